"""The web application's addresses: the login pages (Django's own views), the portal and dashboard (kaohe.web),
and Django's admin for administrators."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = admin.site.site_title = "考核系统管理"
admin.site.index_title = "用户、角色与轮次"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Browsers ask every site for /favicon.ico, also on pages (the admin's) that do not name their icon.
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.svg"), permanent=True)),
    path("", include("kaohe.web.urls")),
]
