"""Flask extensions, created unbound and bound in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _configure_login_manager() -> None:
    from flask_babel import lazy_gettext

    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in first.")
    login_manager.login_message_category = "info"
    # "basic" only marks the session non-fresh when the client's address changes; "strong"
    # would log a judge's tablet out every time it hops between workshop access points.
    login_manager.session_protection = "basic"


_configure_login_manager()
