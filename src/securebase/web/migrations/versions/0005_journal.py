"""The journal: children as pseudonymous codes within a team, entries, and their versions (amendments).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "children",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "code", name="one_code_per_team"),
    )
    op.create_index("ix_children_team_id", "children", ["team_id"])
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("children.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_journal_entries_child_id", "journal_entries", ["child_id"])
    op.create_index("ix_journal_entries_author_id", "journal_entries", ["author_id"])
    op.create_table(
        "entry_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("journal_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("need", sa.String(20), nullable=True),
        sa.Column("response", sa.String(40), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("event", sa.String(20), nullable=True),
        sa.Column("figure", sa.String(20), nullable=True),
        sa.Column("place", sa.String(20), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "version", name="one_row_per_version"),
    )
    op.create_index("ix_entry_versions_entry_id", "entry_versions", ["entry_id"])
