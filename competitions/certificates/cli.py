"""Operator commands: ``flask --app wsgi certificates ...`` (the same services as the pages)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from competitions.cli import operation, output_file
from competitions.db import utcnow
from competitions.extensions import db
from competitions.organize.models import Competition

certificates_cli = AppGroup("certificates", help="Certificates: issue, revoke, verify, export, signing keys.")


def _competition(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"No competition {competition_id}.")
    return competition


@certificates_cli.command("issue")
@click.argument("competition_id", type=int)
def issue_command(competition_id):
    """Issue (or bring up to date) the certificates the final results call for."""
    from competitions.certificates.services import issue_certificates

    with operation():
        summary = issue_certificates(_competition(competition_id), actor_id=None, now=utcnow())
    click.echo(f"issued {summary.issued}, reissued {summary.reissued}, revoked {summary.revoked}, "
               f"unchanged {summary.unchanged} (results version {summary.snapshot_version})")
    if summary.withheld:
        click.echo(f"{summary.withheld} certificate(s) revoked by hand were not issued again "
                   "(flask certificates reissue NUMBER issues a new one).")


@certificates_cli.command("list")
@click.argument("competition_id", type=int)
def list_command(competition_id):
    """List a competition's certificates: number, status, kind, award, name, event."""
    from competitions.certificates.services import certificates_of, display_number

    for c in certificates_of(_competition(competition_id).id):
        click.echo(f"{display_number(c.number)}\t{c.status}\t{c.kind}\t{c.award or c.title}\t{c.name}\t"
                   f"{c.event_name}")


@certificates_cli.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Shown on the public verification page.")
def revoke_command(number, reason):
    """Revoke one certificate by its number."""
    from competitions.certificates.services import revoke, verify

    result = verify(number)
    if result.certificate is None:
        raise click.ClickException(f"{number} is not a certificate number.")
    with operation():
        revoke(result.certificate, reason, actor_id=None, now=utcnow())
    click.echo(f"revoked {result.number}")


@certificates_cli.command("reissue")
@click.argument("number")
def reissue_command(number):
    """Issue a new certificate in place of one revoked by hand (reconciling never does it on its own)."""
    from competitions.certificates.services import display_number, reissue_revoked, verify

    result = verify(number)
    if result.certificate is None:
        raise click.ClickException(f"{number} is not a certificate number.")
    with operation():
        new = reissue_revoked(result.certificate, actor_id=None, now=utcnow())
        shown = display_number(new.number)
    click.echo(f"issued {shown} in place of {result.number}")


@certificates_cli.command("verify")
@click.argument("number")
def verify_command(number):
    """Say what the public verification page would say about a number."""
    from competitions.certificates.services import verify

    result = verify(number)
    click.echo(result.state)
    if result.certificate is not None:
        c = result.certificate
        click.echo(f"{c.name}\t{c.competition_name}\t{c.event_name}\t{c.award or c.title}\t{c.issue_date}\t"
                   f"{c.revoked_reason or c.revoked_code}")


@certificates_cli.command("export")
@click.argument("competition_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["zip", "pdf"]), default="zip")
@click.option("--lang", "language", type=click.Choice(["zh", "en"]), default="zh")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--base-url", default=None, help="The site address the QR codes point to (PUBLIC_BASE_URL).")
def export_command(competition_id, fmt, language, out_path, base_url):
    """Write all active certificates of a competition to one zip or one combined PDF now (in this process)."""
    import zipfile

    from competitions.certificates import services
    from competitions.certificates.pdf import certificate_pdf, certificates_pdf

    certificates = services.batch_certificates(_competition(competition_id).id)
    if not certificates:
        raise click.ClickException("There are no certificates to export yet: issue them first.")
    texts = [(services.certificate_text(services.printable(c), language,
                                        verify=services.verify_url(c.number, base_url),
                                        seal=services.seal_png(c.seal_sha)), services.file_name(c, language))
             for c in certificates]
    if fmt == "pdf":
        with output_file(out_path) as out:
            certificates_pdf((text for text, _name in texts), out)
    else:
        with output_file(out_path) as out, zipfile.ZipFile(out, "w") as archive:
            for number, (text, name) in enumerate(texts, 1):
                archive.writestr(f"{number:05d}-{name}", certificate_pdf(text))
    click.echo(f"wrote {len(texts)} certificate(s) to {out_path}")


@certificates_cli.command("new-key")
def new_key_command():
    """Print a fresh signing key ID:SECRET to add to CERTIFICATE_KEYS (then set CERTIFICATE_KEY_ID to its ID)."""
    from competitions.certificates.keys import new_key_line, signing_keys

    click.echo(new_key_line(signing_keys()))


def init_app(app) -> None:
    """Add the ``certificates`` command group (called by ``competitions.cli.init_app``)."""
    app.cli.add_command(certificates_cli)
