"""Users in the staff console.

Making someone staff goes through accounts.services.set_staff, so the
"Helpdesk staff" group (which holds the console's permissions) always follows
the is_staff flag. The user list is also what the ticket page's assignee and
reporter autocompletes search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext

from accounts import services
from accounts.lockout import guard_current_password
from accounts.models import ApiToken, User
from helpdesk.console import OfferedFiltersOnly
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


# The console's own "Change password" checks the current password like a
# sign-in, as the web page does. AdminSite has no hook for its view's form to
# see the request, so the view itself is wrapped (before the URLs are built).
admin.site.password_change = guard_current_password(admin.site.password_change)


class ApiTokenRevokeFormSet(BaseInlineFormSet):
    def delete_existing(self, obj: ApiToken, commit: bool = True) -> None:
        # "Delete" on a token row revokes it, through the service like the web page.
        if commit:
            services.revoke_api_token(user=obj.user, token_id=obj.pk)


class ApiTokenInline(admin.TabularInline):
    """A user's API tokens, for superusers only: what they are, and revoking them.

    Read-only: a token is made by its owner, who alone sees its value, once.
    """

    model = ApiToken
    formset = ApiTokenRevokeFormSet
    fields = readonly_fields = ("name", "prefix", "created_at", "last_used_at")
    extra = max_num = 0

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(OfferedFiltersOnly, DjangoUserAdmin):
    inlines = [ApiTokenInline]
    actions = ["revoke_api_tokens"]
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
    list_display = ("name", "email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "accounts_user_changelist":
            # Names from before the look-alike rule may share a skeleton
            # (accounts.text): the list tells them apart (one index probe a row).
            twins = User.objects.filter(username_skeleton=OuterRef("username_skeleton"))
            queryset = queryset.annotate(has_lookalike=Exists(twins.exclude(pk=OuterRef("pk"))))
        return queryset

    @admin.display(description=gettext_lazy("username"), ordering="username")
    def name(self, obj: User) -> str:
        if not getattr(obj, "has_lookalike", False):
            return obj.username
        return format_html(
            '{} <span class="lookalike" title="{}">({})</span>',
            obj.username,
            gettext("Another user's name looks like this one."),
            obj.email,
        )

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

    @admin.action(
        description=gettext_lazy("Revoke all API tokens of the selected users"),
        permissions=["revoke_tokens"],
    )
    def revoke_api_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        revoked = sum(services.revoke_all_api_tokens(user=user) for user in queryset)
        messages.success(
            request,
            ngettext("Revoked %(count)d API token.", "Revoked %(count)d API tokens.", revoked)
            % {"count": revoked},
        )

    def get_inline_instances(self, request: HttpRequest, obj: User | None = None) -> list:
        # A user being added has no tokens yet.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_revoke_tokens_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

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
