from django.shortcuts import get_object_or_404, render

from skills import selectors
from skills.models import Role


def role_list(request):
    return render(request, "skills/role_list.html", {"roles": Role.objects.all()})


def role_detail(request, slug):
    role = get_object_or_404(Role, slug=slug)
    return render(request, "skills/role_detail.html", {"role": role, "cells": selectors.role_cells(role_slug=slug)})


def career_track_pdf(request, slug):
    raise NotImplementedError  # built in the browsing issue
