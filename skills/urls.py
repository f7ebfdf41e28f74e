from django.urls import path

from skills.views import catalog, compare, exports, roles, search

app_name = "skills"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("search/", search.search, name="search"),
    path("skills/<slug:slug>/", catalog.skill_detail, name="skill"),
    path("skills/<slug:slug>/history/", catalog.skill_history, name="skill-history"),
    path("skills/<slug:slug>/compare/", compare.skill_compare, name="skill-compare"),
    path("skills/<slug:slug>/cells.csv", exports.skill_cells_csv, name="skill-csv"),
    path("skills/<slug:slug>/<slug:role>/<slug:level>/", catalog.cell_detail, name="cell"),
    path("roles/", roles.role_list, name="roles"),
    path("roles/compare/", compare.role_compare, name="role-compare"),  # before roles/<slug>/, which would take it
    path("roles/choose/", roles.role_level_choose, name="role-level-choose"),  # before roles/<slug>/ too
    path("roles/<slug:slug>/", roles.role_detail, name="role"),
    path("roles/<slug:slug>/matrix.csv", exports.role_matrix_csv, name="role-csv"),
    path("roles/<slug:slug>/career-track.pdf", roles.career_track_pdf, name="role-pdf"),
    path("roles/<slug:slug>/<slug:level>/", roles.role_level, name="role-level"),
]
