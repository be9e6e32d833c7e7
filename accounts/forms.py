"""Forms of the account pages. They validate input; accounts.services writes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import LOOKALIKE_USERNAME, User
from accounts.services import TOKEN_NAME_MAX_LENGTH

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
# Hashing is slow on purpose; refuse novels before they reach the hasher.
PASSWORD_MAX_LENGTH = 4096


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only. You will sign in with it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("For replies to your tickets and password resets."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        help_text=_("At least 8 characters; not a common password and not all digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, verify_email: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # With verification, a known address is no error: the page must not
        # tell who has an account (accounts.views.signup mails the owner instead).
        self.verify_email = verify_email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        # Sign-in ignores case, so "Alice" is taken once "alice" is.
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Please choose another."))
        if User.objects.has_lookalike(username):
            raise forms.ValidationError(LOOKALIKE_USERNAME)
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if not self.verify_email and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this email address already exists. "
                    "Sign in, or reset your password if you forgot it."
                )
            )
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        if password1:
            # The similarity check needs to know whose password it is.
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class VerifyEmailForm(forms.Form):
    """The password of the account that sign-up's link activates.

    The link proves the address; the password proves the account is the
    reader's own, and not one a stranger made with their address.
    """

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        help_text=_("The password you chose when you signed up."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not the password of this account. Type the one you signed up with."),
                code="password_incorrect",
            )
        return password


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with our wording and limits."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That username and password do not match. Please try again."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].max_length = PASSWORD_MAX_LENGTH
        self.fields["password"].widget.attrs["maxlength"] = PASSWORD_MAX_LENGTH
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "spellcheck": "false"}
        )


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, mailing from the task queue rather than the request.

    Sending inside the request made known addresses answer slower than
    unknown ones; the task (accounts.tasks.send_password_reset) makes the link.
    """

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        from accounts.tasks import send_password_reset

        send_password_reset.enqueue(context["user"].pk, translation.get_language() or "")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=TOKEN_NAME_MAX_LENGTH,
        required=False,
        label=_("Name"),
        help_text=_("Something to recognise it by, such as the script or machine that uses it."),
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Backup script"), "autocomplete": "off"}
        ),
    )


class LanguageForm(forms.Form):
    """The language switcher's and the account page's choice (POST /accounts/language/).

    Each language is named in itself (settings.LANGUAGES), so that whoever reads
    it finds their own; blank is "whatever my browser asks for".
    """

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        # Translators: the choice of no language of one's own: the browser's Accept-Language.
        choices=[("", _("Browser's language")), *settings.LANGUAGES],
    )
