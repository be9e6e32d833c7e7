"""Users in the staff console.

Making someone staff goes through accounts.services.set_staff, so the
"Helpdesk staff" group (which holds the console's permissions) always follows
the is_staff flag. The user list is also what the ticket page's assignee and
reporter autocompletes search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Q

from accounts import services
from accounts.models import User
from tickets import selectors

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.forms import Form
    from django.http import HttpRequest


class HelpdeskUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class HelpdeskUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = HelpdeskUserChangeForm
    add_form = HelpdeskUserCreationForm
    # Django's, with the language the person reads the product in beside their name.
    fieldsets = (
        DjangoUserAdmin.fieldsets[0],
        (
            DjangoUserAdmin.fieldsets[1][0],
            {"fields": ("first_name", "last_name", "email", "language")},
        ),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)
    show_facets = admin.ShowFacets.NEVER

    def save_model(self, request: HttpRequest, obj: User, form: Form, change: bool) -> None:
        # The staff flag is written by set_staff (in save_related, after the
        # groups), never by the form directly.
        obj._wants_staff = obj.is_staff
        if change:
            obj.is_staff = form.initial.get("is_staff", obj.is_staff)
        else:
            obj.is_staff = False
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the groups from the form, so that the staff group follows the
        # flag even if someone ticked or unticked it by hand.
        services.set_staff(user=form.instance, is_staff=form.instance._wants_staff)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The ticket page's autocompletes: assignees are active staff, reporters active users.
        if request.GET.get("app_label") == "tickets" and request.GET.get("model_name") == "ticket":
            field = request.GET.get("field_name")
            if field == "assignee":
                queryset = queryset.filter(pk__in=selectors.staff_users().values("pk"))
            elif field == "reporter":
                queryset = queryset.filter(Q(is_active=True))
        return queryset, may_have_duplicates
