"""The README's code runs as written, and its two quick-start commands are the ones CI uses."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_python_blocks_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) >= 3
    script = tmp_path / "readme_examples.py"     # a file, so ad.ssa can read pow's source
    script.write_text("import matplotlib\nmatplotlib.use('Agg')\n" + "\n".join(blocks))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "y1 = log(x)\ny2 = sin(y1)\ny3 = 5 * y2" in done.stdout


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert len(commands) == 2, "the quick start has exactly two commands"
    start, test = commands
    assert "jupyter lab" in start and "notebooks" in start
    assert "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text()
