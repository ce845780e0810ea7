"""django-axes under a Chinese name: it ships no zh_Hans catalogue and its app has no verbose name.

Its strings are translated in ``locale/zh_Hans`` (the project's catalogue, read before the apps');
the app's name is not a translatable string, so it is given here.
"""
from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录失败与锁定")
