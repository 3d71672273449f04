"""Every table of the service, imported once so Alembic (and tests) see the whole schema.

Each room that keeps tables adds its models module here.
"""

import common.idempotency_table  # noqa: F401 - the Idempotency-Key table
import common.inbox  # noqa: F401 - the inbox table
import common.outbox  # noqa: F401 - the outbox table
import content.access.models  # noqa: F401 - the access read model
import content.calendar.models  # noqa: F401 - campaigns
import content.captions.models  # noqa: F401 - caption variants, caption rules, posts checked
import content.curation.models  # noqa: F401 - feed sources and their queue
import content.ideas.models  # noqa: F401 - ideas, submissions, help requests
import content.lifecycle.models  # noqa: F401 - the review trail
import content.models  # noqa: F401 - items, targets, tags
