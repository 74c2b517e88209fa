# 镜鉴 — the README's commands. `make run` and `make test` are the whole set-up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo run test lint format check pytest collectstatic bench clean lock places \
	elasticsearch elasticsearch-stop serve worker backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly what requirements.lock pins (hashes checked), then the project itself.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# The project's own translations (site/locale): compiled by a small pure-Python msgfmt
# (jingjian.core.translations), so no GNU gettext is needed; the .mo files are committed too.
MESSAGES := $(patsubst %.po,%.mo,$(wildcard site/locale/*/LC_MESSAGES/*.po))

%.mo: %.po | $(VENV)/.installed
	$(BIN)/python -m jingjian.core.translations $<

install: $(VENV)/.installed $(MESSAGES)

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

# Rewrite the anonymizer's gazetteer (casestudies/anonymization/data/places.txt) from the division
# names JioNLP's wheel ships; the wheel is only read, never installed.
JIONLP_VERSION := 1.5.31
places: install
	tmp=$$(mktemp -d) && $(BIN)/python -m pip download --quiet --no-deps --disable-pip-version-check \
		-d $$tmp "jionlp==$(JIONLP_VERSION)" && \
	$(BIN)/python scripts/place_names.py $$tmp/jionlp-$(JIONLP_VERSION)-*.whl \
		> casestudies/anonymization/data/places.txt && rm -rf $$tmp

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_content --site http://$(HOST):$(PORT)

collectstatic: install
	$(MANAGE) collectstatic --noinput --verbosity 0

run: demo collectstatic
	@echo ""
	@echo "  镜鉴已启动：http://$(HOST):$(PORT)/"
	@echo "  管理后台：  http://$(HOST):$(PORT)/admin/  用户名 admin  密码 jingjian-admin"
	@echo "  其他演示账号（密码均为 jingjian-demo）：bianji（编辑） shenhe（审核） jijian（纪检监察） duzhe（读者）"
	@echo ""
	$(MANAGE) runserver $(HOST):$(PORT)

# `make serve`: the site as a deployment runs it (jingjian.settings.production under gunicorn,
# gunicorn.conf.py: two workers per core plus one; static files collected and served by
# WhiteNoise) on this machine, over plain HTTP on $(HOST):$(PORT), on the database `make demo`
# fills (or DATABASE_URL). SECRET_KEY is taken from the environment, else from .secret-key
# (written once, 50+ random characters, not committed), CHANNEL_SECRET_KEYS likewise from
# .channel-secret-key (a Fernet key, written once, not committed). HTTPS=false and SECURE_COOKIES=false
# only because loopback has no TLS: behind the reverse proxy both stay on (README, Deploying).
# `make worker` runs the task queue's worker (channel deliveries, search-index updates).
SERVE_ENV = DJANGO_SETTINGS_MODULE=jingjian.settings.production \
	SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	CHANNEL_SECRET_KEYS="$${CHANNEL_SECRET_KEYS:-$$(cat .channel-secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" \
	HTTPS="$${HTTPS:-false}" SECURE_COOKIES="$${SECURE_COOKIES:-false}"

.secret-key:
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

.channel-secret-key: | $(VENV)/.installed
	umask 077 && $(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > $@

serve: install .secret-key .channel-secret-key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  镜鉴（生产设置，gunicorn）：http://$(HOST):$(PORT)/    健康检查：http://$(HOST):$(PORT)/healthz/"
	@echo "  后台任务需另开终端运行 make worker。"
	@echo ""
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn jingjian.wsgi

worker: install .secret-key .channel-secret-key
	$(SERVE_ENV) $(MANAGE) db_worker

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djhtml --check $$(git ls-files '*.html')

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml $$(git ls-files '*.html')

check: install
	DJANGO_SETTINGS_MODULE=tests.settings $(MANAGE) check
	DJANGO_SETTINGS_MODULE=tests.settings $(MANAGE) makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint check pytest

bench: install
	$(BIN)/python bench/render.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/anonymize.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/register_statistics.py

# Backups (README, Backups): one folder under $(BACKUP_DIR) with the database, media, private
# media and a manifest. Restore into an empty database: make restore BACKUP=backups/jingjian-backup-…
# (FORCE=1 replaces what a database that is not empty holds).
BACKUP_DIR ?= backups
backup: install
	$(MANAGE) backup --to $(BACKUP_DIR)

restore: install
	@test -n "$(BACKUP)" || { echo "请指定要恢复的备份文件夹，例如：make restore BACKUP=backups/jingjian-backup-20260101-020000"; exit 2; }
	$(MANAGE) restore $(BACKUP) $(if $(FORCE),--force)

# Elasticsearch 8 for developers (the same distribution CI uses), on 127.0.0.1:9200.
# Then: ELASTICSEARCH_URL=http://127.0.0.1:9200 make run   (or make test)
elasticsearch:
	scripts/elasticsearch.sh start

elasticsearch-stop:
	scripts/elasticsearch.sh stop

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
