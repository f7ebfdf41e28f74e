"""A synthetic catalog for scale tests: believable, deterministic, fast.

``generate_catalog(skills=2000, roles=80, seed=1)`` adds domains, groups,
roles (with families and level ranges that may start at Middle or Senior),
skills and their cells to whatever catalog exists. Every generated slug starts
with ``gen-`` so the generated part can be exported, compared and dropped on
its own. Text comes from the word pools below, drawn with a ``random.Random``
per stage seeded from ``seed``: the same seed gives the same catalog, byte for
byte, whatever the batch size.

Rows go in with ``bulk_create``; cells in batches of whole skills, because the
search-document trigger on cells runs once per statement and rebuilds every
skill the statement touches (a skill split over two batches is indexed twice).
"""

import datetime
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils.text import slugify

from bench.generate_teams import delete_generated_teams
from skills.audit import audit_context, preserve_last_updated
from skills.models import Domain, Expectation, Level, Proficiency, Role, RoleLevel, Skill, SkillGroup

PREFIX = "gen-"
AUDIT_SOURCE = "generate"
LAST_UPDATED = datetime.date(2026, 2, 22)

DEFAULT_LEVELS = [
    ("junior", "Junior", "Jun"),
    ("middle", "Middle", "Mid"),
    ("senior", "Senior", "Sen"),
    ("lead", "Lead / Staff", "Lead"),
    ("principal", "Principal", "Princ"),
]

# --- Word pools ---------------------------------------------------------------------
# Each domain: name, role family, {group: [topics]}, the things its people
# handle, its tools, and the role names it gives rise to.


@dataclass(frozen=True)
class DomainSpec:
    name: str
    family: str
    groups: dict[str, list[str]]
    things: list[str]
    tools: list[str]
    roles: list[str]

    @property
    def topics(self) -> list[str]:
        return [topic for topics in self.groups.values() for topic in topics]


DOMAINS = [
    DomainSpec(
        "Frontend Engineering",
        "Product Engineering",
        {
            "Web Platform": ["Browser Rendering", "Web Accessibility", "Web Performance"],
            "UI Frameworks": ["React", "Vue.js", "Design Systems"],
            "Frontend Delivery": ["Module Bundling", "Frontend Testing", "Micro-Frontends"],
        },
        ["component libraries", "page bundles", "rendering paths", "form flows", "client-side state", "style tokens"],
        ["TypeScript", "React", "Vite", "Playwright", "Storybook", "Lighthouse", "axe-core", "Webpack"],
        ["Frontend Engineer", "Web Performance Engineer", "Design Systems Engineer", "Accessibility Specialist"],
    ),
    DomainSpec(
        "Mobile Development",
        "Product Engineering",
        {
            "Native Apps": ["SwiftUI", "Jetpack Compose", "Mobile Offline Storage"],
            "Cross-Platform": ["React Native", "Flutter", "Kotlin Multiplatform"],
            "Mobile Delivery": ["App Store Releases", "Mobile Crash Reporting", "Mobile Feature Flags"],
        },
        ["app screens", "release trains", "push notification flows", "offline caches", "crash reports"],
        ["Swift", "Kotlin", "Xcode", "Android Studio", "Fastlane", "Firebase Crashlytics", "Detox"],
        ["iOS Engineer", "Android Engineer", "Mobile Platform Engineer", "Mobile Release Engineer"],
    ),
    DomainSpec(
        "Databases & Storage",
        "Data & Analytics",
        {
            "Relational Databases": ["PostgreSQL", "Query Planning", "Schema Migrations"],
            "Distributed Storage": ["Cassandra", "Object Storage", "Database Sharding"],
            "Database Operations": ["Replication", "Backup and Restore", "Connection Pooling"],
        },
        ["schemas", "slow queries", "replicas", "backups", "indexes", "storage tiers"],
        ["PostgreSQL", "pgBouncer", "pg_stat_statements", "Patroni", "MinIO", "Cassandra", "Flyway", "Liquibase"],
        ["Database Engineer", "Database Reliability Engineer", "Storage Engineer"],
    ),
    DomainSpec(
        "Data Platforms",
        "Data & Analytics",
        {
            "Analytics Engineering": ["Data Modeling", "Semantic Layers", "Data Contracts"],
            "Data Warehousing": ["Snowflake", "BigQuery", "Lakehouse Tables"],
            "Data Quality": ["Data Observability", "Data Lineage", "Data Validation"],
        },
        ["pipelines", "warehouse models", "dashboards", "data contracts", "metric definitions", "partitions"],
        ["dbt", "Snowflake", "BigQuery", "Apache Iceberg", "Great Expectations", "Airbyte", "Looker", "Spark"],
        ["Analytics Engineer", "Data Platform Engineer", "Data Quality Engineer", "BI Developer"],
    ),
    DomainSpec(
        "Observability & Reliability",
        "Infrastructure & Operations",
        {
            "Telemetry": ["Distributed Tracing", "Structured Logging", "Metrics Pipelines"],
            "Reliability Practice": ["SLO Design", "Incident Management", "Chaos Engineering"],
            "Alerting": ["On-Call Rotations", "Alert Tuning", "Postmortems"],
        },
        ["dashboards", "alerts", "error budgets", "runbooks", "trace samples", "incident timelines"],
        ["OpenTelemetry", "Prometheus", "Grafana", "Loki", "Jaeger", "PagerDuty", "Chaos Mesh", "Tempo"],
        ["Site Reliability Engineer", "Observability Engineer", "Incident Commander", "Reliability Architect"],
    ),
    DomainSpec(
        "Networking & Edge",
        "Infrastructure & Operations",
        {
            "Network Foundations": ["TCP/IP Troubleshooting", "DNS Management", "Load Balancing"],
            "Edge Delivery": ["CDN Configuration", "Edge Functions", "TLS Certificate Management"],
            "Service Networking": ["Service Mesh", "API Gateways", "Zero-Trust Networking"],
        },
        ["routing rules", "certificates", "DNS zones", "gateway policies", "traffic splits", "firewall rules"],
        ["Envoy", "Istio", "NGINX", "Cloudflare", "cert-manager", "HAProxy", "Wireshark", "CoreDNS"],
        ["Network Engineer", "Edge Platform Engineer", "Service Mesh Engineer"],
    ),
    DomainSpec(
        "Distributed Systems",
        "Architecture",
        {
            "Messaging": ["Apache Kafka", "RabbitMQ", "Event Sourcing"],
            "Consistency": ["Distributed Transactions", "Consensus Protocols", "Idempotent APIs"],
            "Scalability": ["Caching Strategies", "Rate Limiting", "Backpressure"],
        },
        ["event streams", "consumer groups", "caches", "retry policies", "partitions", "service contracts"],
        ["Kafka", "RabbitMQ", "Redis", "NATS", "gRPC", "Temporal", "etcd", "Debezium"],
        ["Distributed Systems Engineer", "Streaming Engineer", "Systems Architect", "Integration Architect"],
    ),
    DomainSpec(
        "Identity & Access",
        "Security",
        {
            "Authentication": ["OAuth 2.0", "OpenID Connect", "Passkeys"],
            "Authorization": ["Role-Based Access Control", "Policy as Code", "Attribute-Based Access Control"],
            "Secrets": ["Secrets Management", "Key Rotation", "Workload Identity"],
        },
        ["access policies", "tokens", "signing keys", "identity providers", "service accounts", "audit logs"],
        ["Keycloak", "Okta", "Open Policy Agent", "HashiCorp Vault", "SPIFFE", "Auth0", "AWS IAM"],
        ["Identity Engineer", "IAM Engineer", "Security Platform Engineer"],
    ),
    DomainSpec(
        "Developer Experience",
        "Platform Engineering",
        {
            "Build Systems": ["Bazel", "Build Caching", "Monorepo Tooling"],
            "Continuous Delivery": ["CI Pipelines", "Progressive Delivery", "Release Automation"],
            "Developer Portals": ["Backstage", "Golden Paths", "Service Templates"],
        },
        ["build graphs", "pipelines", "release notes", "service templates", "developer docs", "runners"],
        ["GitHub Actions", "GitLab CI", "Bazel", "Argo CD", "Backstage", "Renovate", "Nx", "Buildkite"],
        ["Developer Experience Engineer", "Build Engineer", "Release Engineer", "Developer Productivity Lead"],
    ),
    DomainSpec(
        "Product Analytics",
        "Data & Analytics",
        {
            "Experimentation": ["A/B Testing", "Feature Experimentation", "Causal Inference"],
            "Product Metrics": ["Event Tracking", "Funnel Analysis", "Retention Analysis"],
            "Statistics": ["Statistical Power", "Bayesian Methods", "Forecasting"],
        },
        ["experiments", "event schemas", "metric trees", "cohorts", "funnels", "forecasts"],
        ["Amplitude", "GrowthBook", "Python", "R", "SQL", "Jupyter", "Statsig", "Mixpanel"],
        ["Product Analyst", "Experimentation Scientist", "Growth Analyst"],
    ),
    DomainSpec(
        "Cloud Cost & Governance",
        "Platform Engineering",
        {
            "FinOps": ["Cloud Cost Allocation", "Reserved Capacity", "Cost Anomaly Detection"],
            "Cloud Governance": ["Landing Zones", "Tagging Policies", "Cloud Compliance"],
            "Cloud Providers": ["AWS Networking", "Azure Resource Management", "Google Cloud IAM"],
        },
        ["cost reports", "budgets", "accounts", "guardrails", "tagging rules", "commitments"],
        ["AWS Cost Explorer", "Kubecost", "Terraform", "AWS Organizations", "Azure Policy", "Infracost"],
        ["FinOps Engineer", "Cloud Governance Engineer", "Cloud Architect"],
    ),
    DomainSpec(
        "Search & Recommendations",
        "ML & AI Engineering",
        {
            "Search Engines": ["Elasticsearch", "Relevance Tuning", "Query Understanding"],
            "Recommender Systems": ["Collaborative Filtering", "Candidate Generation", "Ranking Models"],
            "Vector Retrieval": ["Embedding Models", "Vector Databases", "Hybrid Search"],
        },
        ["indexes", "ranking features", "query logs", "embeddings", "relevance judgments", "click models"],
        ["Elasticsearch", "OpenSearch", "Vespa", "FAISS", "pgvector", "LightGBM", "PyTorch", "Qdrant"],
        ["Search Engineer", "Relevance Engineer", "Recommendations Engineer", "Applied Scientist"],
    ),
]

PRACTICES = [
    "Fundamentals",
    "Patterns",
    "Performance Tuning",
    "Troubleshooting",
    "Operations",
    "Automation",
    "Security",
    "Testing",
    "Observability",
    "Governance",
    "Migrations",
    "Design Reviews",
    "Capacity Planning",
    "Cost Control",
    "Incident Response",
    "at Scale",
]
# Used only when topic-practice pairs run out of names (very large N).
QUALIFIERS = ["Applied", "Advanced", "Cloud-Native", "Multi-Region", "Regulated", "Event-Driven", "Legacy", "Real-Time"]
PRODUCT_AREAS = ["Payments", "Growth", "Marketplace", "Logistics", "Media", "Healthcare", "Banking", "Gaming"]

MANAGEMENT_FAMILY = "Engineering Management"
MANAGEMENT_ROLES = ["Engineering Manager", "Staff Engineer", "Head of Engineering", "Principal Engineer"]
ARCHITECT_WORDS = ("Architect", "Lead", "Commander")

OPENERS = [
    # Junior
    [
        "Follows the team's conventions for {topic} and asks for review before changing {thing}.",
        "Uses {tool} to inspect {thing} and reports what looks wrong, with the evidence attached.",
        "Knows the vocabulary of {topic} and can explain what {thing} are for.",
        "Fixes small, well-described issues in {thing} with guidance from a senior colleague.",
        "Reads existing {thing} before writing new ones and copies the patterns that work.",
        "Runs the documented {topic} checklists and notices when a step no longer matches reality.",
    ],
    # Middle
    [
        "Owns {thing} for one service end to end, from the first change to the release.",
        "Applies {topic} without supervision and writes down the trade-offs behind each choice.",
        "Chooses between {tool} and {tool2} for a task and can defend the choice in review.",
        "Keeps {thing} healthy during routine changes and spots regressions before users do.",
        "Turns vague {topic} requests into small, testable changes to {thing}.",
        "Reviews teammates' work on {thing} and points out what will hurt later.",
    ],
    # Senior
    [
        "Designs {thing} for a whole product area and reviews other teams' {topic} work.",
        "Diagnoses failures in {thing} under real load and leaves a runbook behind.",
        "Decides when {topic} is worth its cost and says no when it is not.",
        "Mentors others on {topic}, pairing on the hard cases rather than writing guides nobody reads.",
        "Reworks {thing} that grew by accident into something the team can reason about.",
        "Sets up {tool} so that problems with {thing} show up in minutes, not weeks.",
    ],
    # Lead / Staff
    [
        "Sets the {topic} standards that several teams follow, and keeps them short enough to read.",
        "Plans migrations of {thing} across teams and negotiates the order with their leads.",
        "Balances {topic} investment against product deadlines and makes the trade-off visible.",
        "Spots the same {topic} problem in different teams and fixes it once, for all of them.",
        "Owns the roadmap for {thing} and reports on it in terms the business understands.",
        "Grows engineers who can run {topic} work without needing them in the room.",
    ],
    # Principal
    [
        "Shapes the organisation's {topic} strategy for the next two years and retires what no longer pays.",
        "Represents the company on {topic} in vendor negotiations and industry groups.",
        "Defines how {thing} should work across the whole company and why.",
        "Judges which bets on {topic} the company should make, and which it should let others make first.",
        "Writes the principles behind {thing} that teams apply without asking.",
        "Resolves disagreements about {topic} between senior leaders with data, not seniority.",
    ],
]
MIDDLES = [
    "Measures {metric} before and after each change.",
    "Writes down decisions about {thing} so the next person can follow them.",
    "Pairs with {partner} when {thing} cross team boundaries.",
    "Keeps {thing} under version control and reviewed like code.",
    "Knows which parts of {tool} are stable and which change with every release.",
    "Checks that {thing} still meet the {metric} targets after upgrades.",
    "Explains {topic} trade-offs to {partner} without jargon.",
    "Prefers boring, well-understood {thing} over clever ones.",
    "Automates the repetitive parts of {topic} work with {tool}.",
    "Keeps an eye on {metric} and raises it early when it drifts.",
    "Tests changes to {thing} in staging with production-like data first.",
    "Cleans up unused {thing} instead of letting them pile up.",
]
CLOSERS = [
    "Comfortable with {tool}.",
    "Tools: {tool}, {tool2}.",
    "Typical evidence: merged changes to {thing} and a short write-up.",
    "Expected to share findings in the team's {topic} channel.",
    "",
    "",
]
METRICS = [
    "latency",
    "error rates",
    "cost per request",
    "build times",
    "on-call load",
    "user-facing availability",
    "time to restore",
    "test flakiness",
    "data freshness",
    "adoption",
]
PARTNERS = [
    "product managers",
    "the security team",
    "platform engineers",
    "designers",
    "data analysts",
    "support engineers",
    "other teams",
    "auditors",
]
SUMMARY_OPENERS = [
    "{name}: how teams put {topic} to work on {thing}, from first steps to company-wide practice.",
    "{name} covers the {practice_lower} side of {topic}: {thing}, {thing2} and the habits that keep them sound.",
    "Working with {topic} where it matters for {practice_lower}: {thing}, {thing2} and the tools around them.",
    "{name} is about {thing} and {thing2}: what to build, what to measure and what to leave alone.",
]
SUMMARY_TAILS = [
    " Common tools: {tool} and {tool2}.",
    " Often paired with work on {thing2}.",
    " Relevant wherever {metric} is a concern.",
    "",
]
TAGLINES = [
    "Builds and runs {thing} for {partner}.",
    "Keeps {thing} fast, safe and understandable.",
    "Turns {topic} into something teams can rely on.",
    "Owns {thing} and the practice around them.",
]
FOCUS = [
    "Delivers well-scoped tasks on {thing} and learns the team's {topic} practice.",
    "Owns features that touch {thing} and handles their on-call questions.",
    "Leads {topic} work for a product area and mentors the people doing it.",
    "Sets direction for {thing} across teams and unblocks the hardest problems.",
    "Shapes company-wide strategy for {topic} and the people who practise it.",
]
PROFICIENCY_BY_TIER = [1, 2, 3, 3, 4]
PROFICIENCIES = [None, Proficiency.AWARENESS, Proficiency.WORKING, Proficiency.ADVANCED, Proficiency.EXPERT]


# --- Result ---------------------------------------------------------------------------


@dataclass
class GenerateStats:
    domains: int = 0
    groups: int = 0
    roles: int = 0
    role_levels: int = 0
    skills: int = 0
    cells: int = 0
    deleted: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"{self.domains} domains, {self.groups} groups, {self.roles} roles ({self.role_levels} role levels), "
            f"{self.skills:,} skills, {self.cells:,} cells"
        )


Progress = Callable[[int, int], None]


class GenerateError(Exception):
    pass


# --- Helpers ---------------------------------------------------------------------------


def _fill(template: str, rng: random.Random, **words) -> str:
    """Fill the {placeholders} a template uses, drawing from the pools given."""
    values: dict[str, str] = {}
    for key in re.findall(r"{(\w+)}", template):
        if key in values:
            continue
        pool = words[key]
        if isinstance(pool, str):
            values[key] = pool
            continue
        # "tool2" differs from "tool" when the pool allows it.
        first = values.get(key.rstrip("2")) if key.endswith("2") else None
        choices = [word for word in pool if word != first] or pool
        values[key] = rng.choice(choices)
    return template.format(**values)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{name} {n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _slug(name: str, taken: set[str], max_length: int = 120) -> str:
    base = (PREFIX + slugify(name))[:max_length].rstrip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _tier(index: int, count: int) -> int:
    """Map a level's index among all levels onto the five text tiers (Junior … Principal)."""
    return 0 if count <= 1 else round(index * 4 / (count - 1))


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split total into parts of uneven but non-zero sizes (when total allows)."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def generated_skills():
    return Skill.objects.filter(slug__startswith=PREFIX)


def generated_part(data: dict) -> dict:
    """The generated records of an export_catalog() document (levels are shared, so left out)."""
    return {
        key: [record for record in data[key] if record["slug"].startswith(PREFIX)]
        for key in ("domains", "roles", "skills")
    }


# --- Plan: everything decided in memory before any write ---------------------------------


@dataclass
class _SkillPlan:
    name: str
    slug: str
    group: int  # index into the planned groups
    domain: int  # index into the planned domains
    spec: DomainSpec
    topic: str
    practice: str
    summary: str
    updated: datetime.date


@dataclass
class _RolePlan:
    name: str
    slug: str
    family: str
    tagline: str
    start: int  # index of the first level the role has
    home: list[int]  # domains it works in most
    coverage: dict[int, int] = field(default_factory=dict)  # skill index -> first level index


def _plan_taxonomy(rng: random.Random, n_skills: int):
    taken_domains = {n.lower() for n in Domain.objects.values_list("name", flat=True)}
    taken_slugs = set(Domain.objects.values_list("slug", flat=True)) | set(
        SkillGroup.objects.values_list("slug", flat=True)
    )
    n_domains = max(1, min(len(DOMAINS), n_skills // 100 or 1))
    domain_specs = rng.sample(range(len(DOMAINS)), n_domains)
    domains = [(_unique(DOMAINS[d].name, taken_domains), d) for d in domain_specs]
    domain_slugs = [_slug(name, taken_slugs) for name, _ in domains]
    groups = []  # (domain index in `domains`, name, slug, topics)
    for di, (_, spec_index) in enumerate(domains):
        taken_names: set[str] = set()
        for group_name, topics in DOMAINS[spec_index].groups.items():
            groups.append((di, _unique(group_name, taken_names), _slug(group_name, taken_slugs), topics))
    return domains, domain_slugs, groups


def _plan_skills(rng: random.Random, n_skills: int, domains, groups) -> list[_SkillPlan]:
    taken_names = {n.lower() for n in Skill.objects.values_list("name", flat=True)}
    taken_slugs = set(Skill.objects.values_list("slug", flat=True))
    per_domain = _spread(n_skills, len(domains), rng)
    plans: list[_SkillPlan] = []
    for di, count in enumerate(per_domain):
        spec = DOMAINS[domains[di][1]]
        domain_groups = [gi for gi, g in enumerate(groups) if g[0] == di]
        combos = [(gi, topic, practice) for gi in domain_groups for topic in groups[gi][3] for practice in PRACTICES]
        rng.shuffle(combos)
        round_ = 0
        while count > 0:
            for gi, topic, practice in combos:
                if count == 0:
                    break
                qualifier = "" if round_ == 0 else QUALIFIERS[(round_ - 1) % len(QUALIFIERS)] + " "
                suffix = "" if round_ <= len(QUALIFIERS) else f" {round_ // len(QUALIFIERS) + 1}"
                name = f"{qualifier}{topic} {practice}{suffix}"
                if name.lower() in taken_names:
                    continue
                taken_names.add(name.lower())
                words = {
                    "name": name,
                    "topic": topic,
                    "practice_lower": practice.lower(),
                    "thing": spec.things,
                    "thing2": spec.things,
                    "tool": spec.tools,
                    "tool2": spec.tools,
                    "metric": METRICS,
                }
                summary = _fill(rng.choice(SUMMARY_OPENERS), rng, **words) + _fill(
                    rng.choice(SUMMARY_TAILS), rng, **words
                )
                plans.append(
                    _SkillPlan(
                        name=name,
                        slug=_slug(name, taken_slugs, max_length=160),
                        group=gi,
                        domain=di,
                        spec=spec,
                        topic=topic,
                        practice=practice,
                        summary=summary,
                        updated=LAST_UPDATED - datetime.timedelta(days=rng.randint(0, 400)),
                    )
                )
                count -= 1
            round_ += 1
    return plans


def _plan_roles(rng: random.Random, n_roles: int, domains, n_levels: int) -> list[_RolePlan]:
    taken_names = {n.lower() for n in Role.objects.values_list("name", flat=True)}
    taken_slugs = set(Role.objects.values_list("slug", flat=True))
    # Base names first (the domains' own roles, a few managers), then product-area
    # variants; a small catalog (few domains) borrows the other domains' role names.
    candidates = [(name, di) for di, (_, spec) in enumerate(domains) for name in DOMAINS[spec].roles]
    candidates += [(name, None) for name in MANAGEMENT_ROLES]
    rng.shuffle(candidates)
    variants = [(f"{area} {name}", di) for area in PRODUCT_AREAS for name, di in candidates]
    rng.shuffle(variants)
    used = {spec for _, spec in domains}
    borrowed = [(name, i % len(domains)) for i, spec in enumerate(DOMAINS) if i not in used for name in spec.roles]
    borrowed += [(f"{area} {name}", di) for area in PRODUCT_AREAS for name, di in borrowed]
    plans: list[_RolePlan] = []
    for name, di in candidates + variants + borrowed:
        if len(plans) == n_roles:
            break
        if name.lower() in taken_names:
            continue
        taken_names.add(name.lower())
        management = di is None
        if management:
            start = min(2, n_levels - 1)
            home = rng.sample(range(len(domains)), min(len(domains), 3))
        else:
            start = rng.choices([0, 1, 2], weights=[70, 20, 10])[0]
            if name.endswith(ARCHITECT_WORDS):
                start = max(start, 1)
            start = min(start, n_levels - 1)
            others = [d for d in range(len(domains)) if d != di]
            home = [di, *rng.sample(others, min(len(others), rng.choice([0, 1, 1, 2])))]
        spec = DOMAINS[domains[home[0]][1]]
        words = {"thing": spec.things, "partner": PARTNERS, "topic": spec.topics}
        plans.append(
            _RolePlan(
                name=name,
                slug=_slug(name, taken_slugs, max_length=160),
                family=MANAGEMENT_FAMILY if management else spec.family,
                tagline=_fill(rng.choice(TAGLINES), rng, **words),
                start=start,
                home=home,
            )
        )
    if len(plans) < n_roles:
        raise GenerateError(f"Only {len(plans)} distinct role names are available; ask for fewer roles.")
    return plans


def _plan_coverage(rng: random.Random, roles: list[_RolePlan], skills: list[_SkillPlan], n_levels: int) -> None:
    """Which skills each role has, and from which level (some skills only start later in a career)."""
    for role in roles:
        primary = role.home[0]
        for si, skill in enumerate(skills):
            if skill.domain == primary:
                chance = 0.9
            elif skill.domain in role.home:
                chance = 0.6
            else:
                chance = 0.15
            if rng.random() < chance:
                delay = rng.choices([0, 1, 2], weights=[80, 15, 5])[0]
                role.coverage[si] = min(role.start + delay, n_levels - 1)


# --- Writes --------------------------------------------------------------------------------


@dataclass
class CatalogPlan:
    """Everything a run will write, decided before the first write."""

    domains: list[tuple[str, int]]  # (name, index into DOMAINS)
    domain_slugs: list[str]
    groups: list[tuple[int, str, str, list[str]]]  # (domain index, name, slug, topics)
    skills: list[_SkillPlan]
    roles: list[_RolePlan]
    n_levels: int

    @property
    def cell_count(self) -> int:
        return sum(self.n_levels - first for role in self.roles for first in role.coverage.values())


def plan_catalog(*, skills: int, roles: int, seed: int, n_levels: int) -> CatalogPlan:
    """The catalog a seed gives, against the names already taken in the database."""
    if skills < 1 or roles < 1:
        raise GenerateError("Generate at least one skill and one role.")
    # One random stream per stage, so that a change to one stage leaves the others as they were.
    domains, domain_slugs, groups = _plan_taxonomy(random.Random(f"{seed}:taxonomy"), skills)
    skill_plans = _plan_skills(random.Random(f"{seed}:skills"), skills, domains, groups)
    role_plans = _plan_roles(random.Random(f"{seed}:roles"), roles, domains, n_levels)
    _plan_coverage(random.Random(f"{seed}:coverage"), role_plans, skill_plans, n_levels)
    return CatalogPlan(domains, domain_slugs, groups, skill_plans, role_plans, n_levels)


def delete_generated() -> int:
    """Drop every generated row (slug prefix gen-). Returns the number of rows deleted."""
    deleted = 0
    with transaction.atomic():
        deleted += delete_generated_teams()
        roles = Role.objects.filter(slug__startswith=PREFIX)
        deleted += Expectation.objects.filter(Q(skill__slug__startswith=PREFIX) | Q(role__in=roles)).delete()[0]
        deleted += generated_skills().delete()[0]
        deleted += roles.delete()[0]
        deleted += SkillGroup.objects.filter(slug__startswith=PREFIX).delete()[0]
        deleted += Domain.objects.filter(slug__startswith=PREFIX).delete()[0]
    return deleted


def _levels() -> list[Level]:
    levels = list(Level.objects.order_by("position"))
    if not levels:
        levels = Level.objects.bulk_create(
            Level(slug=slug, name=name, short=short, position=position)
            for position, (slug, name, short) in enumerate(DEFAULT_LEVELS, start=1)
        )
    return levels


def _cells_for_skill(
    rng: random.Random, si: int, skill: _SkillPlan, roles: list[_RolePlan], n_levels: int
) -> Iterator[tuple[int, int, str, bool, str]]:
    """(role index, level index, description, required, proficiency) for one skill's cells."""
    spec = skill.spec
    words = {
        "topic": skill.topic,
        "thing": spec.things,
        "tool": spec.tools,
        "tool2": spec.tools,
        "metric": METRICS,
        "partner": PARTNERS,
    }
    for ri, role in enumerate(roles):
        first = role.coverage.get(si)
        if first is None:
            continue
        at_home = skill.domain in role.home
        rank, required = 0, False
        for li in range(first, n_levels):
            tier = _tier(li, n_levels)
            proposed = PROFICIENCY_BY_TIER[tier] - (0 if at_home else 1)
            if rng.random() < 0.15:
                proposed += rng.choice([-1, 1])
            # Never expect less at a higher level than at the one below.
            rank = max(rank, min(4, max(1, proposed)))
            required = required or rng.random() < (0.35 if at_home else 0.06) * (1 + tier / 4)
            parts = [_fill(rng.choice(OPENERS[tier]), rng, **words)]
            parts += [_fill(t, rng, **words) for t in rng.sample(MIDDLES, rng.choice([1, 1, 2]))]
            parts.append(_fill(rng.choice(CLOSERS), rng, **words))
            yield ri, li, " ".join(p for p in parts if p), required, PROFICIENCIES[rank]


def _avoid_subtransaction_aborts() -> None:
    """Give pgtrigger's per-row check a value to read, so it never raises.

    Every row trigger first asks _pgtrigger_should_ignore(), which reads the
    pgtrigger.ignore setting inside a BEGIN … EXCEPTION block. Unset, the read
    raises and the block's subtransaction is rolled back, and each rollback
    scans every pending deferred trigger event of the transaction (the cells'
    DEFERRABLE foreign keys queue three per row). Over one transaction of
    150,000 cells that grows with the square of the rows. An empty list
    ignores nothing: every trigger still runs.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


def generate_catalog(
    *,
    skills: int,
    roles: int,
    seed: int,
    replace_generated: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> GenerateStats:
    """Add a synthetic catalog of `skills` skills and `roles` roles; deterministic for a seed."""
    stats = GenerateStats()
    started = time.perf_counter()
    with audit_context(source=AUDIT_SOURCE, seed=seed), preserve_last_updated(), transaction.atomic():
        _avoid_subtransaction_aborts()
        if replace_generated:
            stats.deleted = delete_generated()
        elif generated_skills().exists() or Role.objects.filter(slug__startswith=PREFIX).exists():
            raise GenerateError(
                f"The catalog already has generated rows (slugs starting with {PREFIX!r}); "
                "pass --replace-generated to drop them first."
            )
        stats.timings["delete"] = time.perf_counter() - started

        mark = time.perf_counter()
        levels = _levels()
        n_levels = len(levels)
        plan = plan_catalog(skills=skills, roles=roles, seed=seed, n_levels=n_levels)
        domains, groups, skill_plans, role_plans = plan.domains, plan.groups, plan.skills, plan.roles

        top = Domain.objects.aggregate(top=Max("position"))["top"] or 0
        domain_rows = Domain.objects.bulk_create(
            Domain(name=name, slug=slug, position=top + 1 + i)
            for i, ((name, _), slug) in enumerate(zip(domains, plan.domain_slugs, strict=True))
        )
        group_rows = SkillGroup.objects.bulk_create(
            SkillGroup(domain=domain_rows[di], name=name, slug=slug, position=i)
            for i, (di, name, slug, _) in enumerate(groups)
        )
        text_rng = random.Random(f"{seed}:role-levels")
        role_rows = Role.objects.bulk_create(
            Role(name=r.name, slug=r.slug, family=r.family, tagline=r.tagline) for r in role_plans
        )
        role_level_rows = []
        for role, row in zip(role_plans, role_rows, strict=True):
            spec = DOMAINS[domains[role.home[0]][1]]
            for li in range(role.start, n_levels):
                words = {"thing": spec.things, "topic": spec.topics}
                role_level_rows.append(
                    RoleLevel(
                        role=row,
                        level=levels[li],
                        stack=", ".join(text_rng.sample(spec.tools, min(len(spec.tools), 3 + _tier(li, n_levels)))),
                        focus=_fill(FOCUS[_tier(li, n_levels)], text_rng, **words),
                    )
                )
        RoleLevel.objects.bulk_create(role_level_rows, batch_size=batch_size)
        skill_rows = Skill.objects.bulk_create(
            (
                Skill(group=group_rows[s.group], name=s.name, slug=s.slug, summary=s.summary, updated=s.updated)
                for s in skill_plans
            ),
            batch_size=batch_size,
        )
        stats.timings["catalog"] = time.perf_counter() - mark

        mark = time.perf_counter()
        total = plan.cell_count
        cell_rng = random.Random(f"{seed}:cells")
        batch: list[Expectation] = []
        for si, (skill_plan, skill_row) in enumerate(zip(skill_plans, skill_rows, strict=True)):
            for ri, li, description, required, proficiency in _cells_for_skill(
                cell_rng, si, skill_plan, role_plans, n_levels
            ):
                batch.append(
                    Expectation(
                        skill=skill_row,
                        role=role_rows[ri],
                        level=levels[li],
                        description=description,
                        required=required,
                        proficiency=proficiency,
                    )
                )
            # Whole skills per statement (see the module docstring).
            if len(batch) >= batch_size or si == len(skill_plans) - 1:
                Expectation.objects.bulk_create(batch)
                stats.cells += len(batch)
                batch = []
                if progress:
                    progress(stats.cells, total)
        stats.timings["cells"] = time.perf_counter() - mark

    stats.domains, stats.groups, stats.roles = len(domain_rows), len(group_rows), len(role_rows)
    stats.role_levels, stats.skills = len(role_level_rows), len(skill_rows)
    stats.timings["total"] = time.perf_counter() - started
    return stats
