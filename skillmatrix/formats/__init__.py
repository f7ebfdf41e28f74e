"""One date format per language (FORMAT_MODULE_PATH): DATE_FORMAT everywhere a day is shown, DATETIME_FORMAT the
same day with its time. Each DATE_FORMAT reads as the browser's Intl.DateTimeFormat with dateStyle "long" does, so
a date the comment widget writes looks like the ones the server wrote (tests/skillmatrix/test_formats.py)."""
