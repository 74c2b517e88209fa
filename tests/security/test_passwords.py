"""Passwords: at least 12 characters, not common, not all digits, not like the user's name, and
not made of the project's and district's words. Refused in Chinese, in the admin's user form."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from jingjian.security.passwords import ProjectWordsValidator


@pytest.mark.parametrize(
    "password",
    [
        "jingjian",
        "jingjian-admin",
        "jingjian-demo",
        "JingJian2024!!",
        "Jianhu-123456",
        "jianhuqu@2025",
        "鉴湖区纪委2024",
        "ｊｉｎｇｊｉａｎ２０２４",  # full-width letters fold to the same word
        "admin-password",
        "Passw0rd-Admin-1",
    ],
)
def test_the_project_words_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        ProjectWordsValidator().validate(password)
    assert "很容易被猜到" in refused.value.messages[0]


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",
        "jingjian-Tq7xZmLwRv",
        "晚风吹过青石板桥头的老槐树",
        "wuyue-qiaomai-huafen",
    ],
)
def test_other_passwords_pass(password):
    ProjectWordsValidator().validate(password)
    validate_password(password)  # and every other rule


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("Short-1!", "密码太短：至少要有 12 个字符，请换一个更长的密码。"),
        ("jingjian-2024", "很容易被猜到"),
        ("123456789012345", "密码只包含数字。"),
        ("qwertyuiop123", "这个密码太常见了。"),
    ],
)
def test_the_admin_refuses_a_weak_password_in_chinese(client, superuser, password, message):
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "xinren",
            "email": "xinren@example.gov.cn",
            "first_name": "李新",
            "last_name": "区委宣传部",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200  # the form again
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="xinren").exists()


@pytest.mark.django_db
def test_the_admin_accepts_a_strong_password(client, superuser):
    client.force_login(superuser)
    password = "wuyue-qiaomai-huafen"
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "xinren",
            "email": "xinren@example.gov.cn",
            "first_name": "李新",
            "last_name": "区委宣传部",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="xinren").check_password(password)


def test_the_help_text_is_chinese():
    assert ProjectWordsValidator().get_help_text().startswith("密码不能")
