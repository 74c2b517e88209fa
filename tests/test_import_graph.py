"""The import graph of the production code: no cycle between modules, and the site-wide package
(``jingjian``, the folder ``site/``) does not grow new imports of the feature apps.

Read from the source with ``ast`` (module-level imports only: those run when a module loads and
are the ones that make a cycle; imports inside functions run later)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Import name → folder: ``jingjian`` is the folder ``site/`` (pyproject's package-dir).
PACKAGES = {
    "jingjian": ROOT / "site",
    "casestudies": ROOT / "casestudies",
    "exemplars": ROOT / "exemplars",
    "study": ROOT / "study",
    "demo": ROOT / "demo",
}
FEATURE_APPS = ("casestudies", "exemplars", "study", "demo", "tests")


def _modules():
    modules = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _top_level_imports(tree):
    """Import statements that run when the module loads (``if TYPE_CHECKING`` blocks excluded)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            test = node.test
            if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
                pending.extend(node.orelse)
                continue
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                pending.extend(handler.body)


def _imported_names(module, path, node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".")
        if path.name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


def import_graph():
    modules = _modules()

    def known(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph = {}
    for module, path in modules.items():
        targets = set()
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            for name in _imported_names(module, path, node):
                target = known(name)
                # A package's own ``__init__`` is loaded first whatever is imported from it.
                if target and target != module and not module.startswith(target + "."):
                    targets.add(target)
        graph[module] = targets
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_and_a_chain_has_none():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_reads_the_code_it_claims_to():
    graph = import_graph()
    assert "jingjian.core.visibility" in graph
    assert "casestudies.gate" in graph
    # casestudies.models.pages imports the site's blocks at module level.
    assert "jingjian.core.blocks" in graph["casestudies.models.pages"]


def test_no_module_imports_itself_back_through_others():
    assert cycles(import_graph()) == []


def test_site_imports_no_feature_app():
    """The site-wide code reaches the content types only through the registry
    (``jingjian.core.content_types``), which the feature apps fill in ``ready()``."""
    importing = set()
    folder = PACKAGES["jingjian"]
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            if any(name.split(".")[0] in FEATURE_APPS for name in names):
                importing.add(path.relative_to(folder).as_posix())
    assert importing == set(), sorted(importing)


def _imports_inside_functions(folder):
    """(path, line, text, commented) of each import statement inside a function under
    ``folder``; commented when a comment is on its line or directly above it or its block."""
    found = {}
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                above = node.lineno - 2
                # Up through the block of imports it belongs to (and their continuation lines).
                while above >= 0 and not lines[above].strip().startswith("#"):
                    text = lines[above].strip()
                    if not (
                        text.startswith(("import ", "from "))
                        or text.endswith(",")
                        or text in (")", "")
                    ):
                        break
                    above -= 1
                commented = "#" in lines[node.lineno - 1] or (
                    above >= 0 and lines[above].strip().startswith("#")
                )
                found[(path, node.lineno)] = (lines[node.lineno - 1].strip(), commented)
    return found


def test_each_import_inside_a_function_says_why():
    """An import inside a function is there for a reason (a cycle, an optional library's cost,
    the app registry not being ready): the comment above it says which."""
    imports = {}
    for folder in PACKAGES.values():
        imports |= _imports_inside_functions(folder)
    silent = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for (path, line), (text, commented) in sorted(imports.items())
        if not commented
    ]
    assert silent == []
