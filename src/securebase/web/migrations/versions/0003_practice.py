"""Deliberate practice: a drill's skill, and the attempt a "play on from here" branched from.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("drill", sa.String(20), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("branched_at", sa.Integer(), nullable=True))
