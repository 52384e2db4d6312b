"""What every benchmark does with its numbers: print the table, keep it under bench/results/,
and draw a chart (matplotlib, installed by scripts/setup.sh)."""

from __future__ import annotations

import os
from typing import Dict, List, Optional

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def save_table(name: str, text: str) -> str:
    """Prints text and writes it to bench/results/<name>.txt; returns the path."""
    print(text)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, f"{name}.txt")
    with open(path, "w") as f:
        f.write(text + "\n")
    return path


def pyplot():
    """matplotlib.pyplot with a file-only backend, or None (with a message) when missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no chart)")
        return None
    return plt


def grouped_bars(name: str, categories: List[str], series: Dict[str, List[float]], ylabel: str,
                 title: str = "", size=(8, 4)) -> Optional[str]:
    """A bar per series in each category, written to bench/results/<name>.png."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=size)
    width = 0.8 / max(1, len(series))
    for i, (label, values) in enumerate(series.items()):
        ax.bar([j + i * width for j in range(len(categories))], values, width, label=label)
    ax.set_xticks([j + width * (len(series) - 1) / 2 for j in range(len(categories))])
    ax.set_xticklabels(categories, fontsize=8)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, f"{name}.png")
    fig.savefig(path, dpi=110)
    print(f"chart: {path}")
    return path
