"""Benchmark the matching engine end to end on synthetic data (rolled back afterwards)."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from matching.benchmark import matching_bench_one
from matching.criteria import CONSTRAINT_CODES, NO_OFFERS, TAKEN
from matching.models import MatchingRun, UnmatchedHousehold

# The reasons a household gets no proposal, in the order the report lists them.
REASONS = (*CONSTRAINT_CODES, TAKEN, NO_OFFERS)


def _unmatched_reasons(run: MatchingRun) -> dict[str, int]:
    """How many households the run left without a proposal, per main reason."""
    counts = dict(
        UnmatchedHousehold.objects.filter(run=run).values("reason").annotate(n=Count("pk")).values_list("reason", "n")
    )
    return {reason: counts[reason] for reason in REASONS if reason in counts}


class Command(BaseCommand):
    help = "Generate synthetic households and offers, run the real matching engine on them, print the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=10000)
        parser.add_argument("--offers", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--keep", action="store_true", help="Keep the synthetic data (default: roll back).")

    def handle(self, *args, households: int, offers: int, seed: int, keep: bool, **options):
        if not (1 <= households <= 200_000 and 1 <= offers <= 200_000):
            raise CommandError("--households and --offers must be between 1 and 200000.")
        bench = matching_bench_one(
            households=households, offers=offers, seed=seed, keep=keep, inspect=_unmatched_reasons
        )
        run: MatchingRun = bench.pop("run")
        report = {
            "households": run.households,
            "offers": run.offers,
            "feasible_pairs": run.feasible_pairs,
            "feasible_per_household": bench["pairs_per_household"],
            "seconds": run.phase_seconds,
            "generate_seconds": bench["generate_s"],
            "peak_memory_mb": bench["peak_mb"],
            "optimal_score": run.total_score,
            "greedy_score": run.greedy_score,
            "score_ratio": bench["score_ratio"],
            "optimal_matched": run.proposals_created,
            "greedy_matched": run.greedy_matched,
            "policy_version": bench["policy_version"],
            "unmatched_reasons": bench["inspected"],
            "phases": bench["phases"],
            "data": bench["data"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        seconds = report["seconds"]
        lines = [
            f"households {report['households']}, offers {report['offers']}, feasible pairs {report['feasible_pairs']}"
            f" ({report['feasible_per_household']} per household)",
            f"data: {report['data']}",
            "seconds: " + ", ".join(f"{phase} {value:.3f}" for phase, value in seconds.items()),
            f"peak memory: {report['peak_memory_mb']} MB",
            f"optimal: score {report['optimal_score']:.2f}, housed {report['optimal_matched']}"
            f" ({report['optimal_matched'] / max(1, report['households']):.1%})",
            f"greedy (first come, first served): score {report['greedy_score']:.2f}, housed {report['greedy_matched']}"
            f" ({report['greedy_matched'] / max(1, report['households']):.1%})",
            f"ratio optimal / greedy: {report['score_ratio']}",
            "unmatched, by main reason: "
            + (", ".join(f"{reason} {n}" for reason, n in report["unmatched_reasons"].items()) or "none"),
            "phases (seconds, peak MB, cells):",
            *(
                f"  {p['phase']:<7} {p['seconds']:>8.3f} s {p['peak_mb']:>8.1f} MB {p['cells']:>12,}"
                for p in report["phases"]
            ),
        ]
        self.stdout.write("\n".join(lines))
