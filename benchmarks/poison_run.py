"""`newsetl run` over the seeds plus three poison files: a 50 MB text, a gzip expanding to 2 GB, and a
1.5 M-character article.

    python benchmarks/poison_run.py [--articles 2000 --duplicates 8]

Each poison file must end loaded or quarantined with its reason, the seeds loaded, in under two
minutes and 2 GB. With --articles, real articles from ../shared/corpora join the folder, and
--duplicates of them are saved a second time under other names (an agency report saved twice):
each must load once, its copies recorded as duplicates. Prints wall time, peak memory of the run's
process, and each file's status and reason (counts by status when the folder is large), as one
JSON line and a table.
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

from common import ROOT, argument_parser, corpus_articles, newsetl_run, run_env, write_articles

PARAGRAPH = ("Die Regierung hat am Montag in Berlin ein neues Gesetz zur Rente beschlossen, das im Sommer in Kraft "
             "treten soll, sagte eine Sprecherin. ") * 3


def text_of(chars: int, title: str) -> str:
    paragraphs = chars // (len(PARAGRAPH) + 2) + 1
    return title + "\n\n" + "\n\n".join(f"{PARAGRAPH}" for _ in range(paragraphs))


def gzip_bomb(expanded_bytes: int) -> bytes:
    """Repeated gzip members of zeros: about 2 MB on disk for 2 GB expanded."""
    member_size = 64 << 20
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = packer.compress(bytes(member_size)) + packer.flush()
    return member * (expanded_bytes // member_size)


def main() -> None:
    parser = argument_parser(__doc__, articles=0)
    parser.add_argument("--duplicates", type=int, default=0, help="of those, how many are saved twice")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        landing = work / "landing"
        shutil.copytree(ROOT / "seeds", landing)
        if args.articles:
            write_articles(landing / "corpus", corpus_articles()[: args.articles], "a")
            for number, original in enumerate(sorted((landing / "corpus").iterdir())[: args.duplicates]):
                shutil.copy(original, landing / f"saved-twice-{number}.txt")
        (landing / "fifty-megabytes.txt").write_text(text_of(50_000_000, "Fünfzig Megabyte"), encoding="utf-8")
        (landing / "bomb.txt.gz").write_bytes(gzip_bomb(2 << 30))
        (landing / "long-article.txt").write_text(text_of(1_500_000, "Ein langer Bericht"), encoding="utf-8")
        started = time.perf_counter()
        result = subprocess.run(newsetl_run(landing, work / "wh"), cwd=ROOT, env=run_env(work), capture_output=True,
                                text=True)
        wall = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        from newsetl.transforms.warehouse import connect

        with connect(work / "wh", read_only=True) as con:
            rows = con.execute("select source_path, status, reason from documents where source_path not like 'corpus/%' "
                               "order by source_path").fetchall()
            statuses = dict(con.execute("select status, count(*) from documents group by all").fetchall())
            articles = con.execute("select count(*), count(distinct doc_id) from articles").fetchone()
    figures = {"exit_status": result.returncode, "wall_s": round(wall, 1), "peak_rss_mb": round(peak_mb),
               "files": sum(statuses.values()), "statuses": statuses, "articles": articles[0],
               "distinct_article_ids": articles[1],
               "documents": [{"source_path": p, "status": s, "reason": r} for p, s, r in rows]}
    print(json.dumps(figures))
    print(f"\nnewsetl run: exit {result.returncode}, {wall:.1f} s wall, peak {peak_mb:.0f} MB (largest process); "
          f"{figures['files']} files: {statuses}; {articles[0]} articles, {articles[1]} distinct")
    for path, status, reason in rows:
        print(f"{path:32} {status:12} {reason or ''}")


if __name__ == "__main__":
    main()
