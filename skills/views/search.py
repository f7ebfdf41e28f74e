from django.shortcuts import render


def search(request):
    return render(request, "skills/search.html", {"query": request.GET.get("q", "")})
