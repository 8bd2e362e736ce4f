"""The lock installs wherever torch does: platform-only wheels carry an environment marker
(inputspace.lockfile)."""

import pytest

from inputspace import lockfile, paths

LOCK = paths.ROOT / "requirements.lock"


def test_the_committed_lock_marks_every_platform_only_package():
    assert lockfile.unmarked(LOCK.read_text()) == []
    marked = [
        ln
        for ln in LOCK.read_text().splitlines()
        if "sys_platform" in ln and not ln.startswith("#")
    ]
    assert len(marked) >= 19 and any(ln.startswith("triton==") for ln in marked)
    assert "torch==2.14.1" in LOCK.read_text().splitlines()  # torch itself installs everywhere


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("nvidia-cublas==13.1.1.3", lockfile.LINUX),
        ("nvidia_cudnn_cu13==9.24.0.43", lockfile.LINUX),
        ("cuda-toolkit==13.0.3.0", lockfile.LINUX),
        ("triton==3.8.0", lockfile.LINUX),
        ("Triton==3.8.0", lockfile.LINUX),
        ("pywin32==311", 'sys_platform == "win32"'),
        ("appnope==0.1.4", 'sys_platform == "darwin"'),
        ("torch==2.14.1", None),
        ("tritonclient==2.0", None),
        ("numpy==2.4.6", None),
        ("# nvidia-x", None),
    ],
)
def test_which_packages_are_platform_only(line, marker):
    assert lockfile.platform_marker(line) == marker


def test_an_unmarked_platform_only_line_fails_and_a_marked_one_passes():
    lock = '# header\nnumpy==2.4.6\ntriton==3.8.0\nnvidia-nccl-cu13==2.30.7 ; sys_platform == "linux"\n'
    assert lockfile.unmarked(lock) == ["triton==3.8.0"]
    fixed = lockfile.mark(lock)
    assert lockfile.unmarked(fixed) == []
    assert fixed.splitlines() == [
        "# header",
        "numpy==2.4.6",
        'triton==3.8.0 ; sys_platform == "linux"',
        'nvidia-nccl-cu13==2.30.7 ; sys_platform == "linux"',
    ]
    assert lockfile.mark(fixed) == fixed


def test_the_check_command_names_the_line(tmp_path, capsys):
    lock = tmp_path / "requirements.lock"
    lock.write_text("triton==3.8.0\n")
    assert lockfile.main(["check", str(lock)]) == 1
    assert "triton==3.8.0" in capsys.readouterr().err
    lock.write_text(lockfile.mark(lock.read_text()))
    assert lockfile.main(["check", str(lock)]) == 0


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_what_the_lock_installs_on_each_platform(platform):
    """Every line parses as a requirement; off Linux its markers leave out exactly the Linux-only wheels."""
    from packaging.requirements import Requirement

    reqs = [
        Requirement(ln)
        for ln in LOCK.read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    env = {
        "sys_platform": platform,
        "platform_system": {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[platform],
    }
    skipped = {r.name for r in reqs if r.marker is not None and not r.marker.evaluate(env)}
    linux_only = {r.name for r in reqs if lockfile.platform_marker(r.name) == lockfile.LINUX}
    assert skipped == (set() if platform == "linux" else linux_only) and "torch" not in skipped
