from django.urls import path

from bearing.capacity import views

app_name = "capacity"

urlpatterns = [
    path("", views.capacity, name="capacity"),
    path("cell/<int:skill_pk>/<int:quarter>/", views.capacity_cell, name="capacity_cell"),
    path("cell/<int:skill_pk>/<int:quarter>/clear/", views.capacity_cell_clear, name="capacity_cell_clear"),
    path("skills/", views.skill_list, name="skill_list"),
    path("skills/new/", views.skill_create, name="skill_create"),
    path("skills/<int:pk>/", views.skill_detail, name="skill_detail"),
    path("skills/<int:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("systems/", views.system_list, name="system_list"),
    path("systems/new/", views.system_create, name="system_create"),
    path("systems/<int:pk>/", views.system_detail, name="system_detail"),
    path("systems/<int:pk>/edit/", views.system_edit, name="system_edit"),
]
