"""One settings object: defaults < govinspect.toml < environment (GOVINSPECT_*) < command line.

It is built once in the CLI and passed down; no module reads settings from global state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# HTTP headers are Latin-1: the user agent must stay ASCII
DEFAULT_USER_AGENT = "govinspect/0.1 (+government website self-inspection)"


class CrawlSettings(BaseModel):
    """How one site is crawled. Politeness defaults a real government server tolerates."""

    concurrency: int = Field(8, ge=1, le=512, description="同一主机最大并发连接数")
    rate: float = Field(10.0, ge=0, description="同一主机每秒最大请求数，0 表示不限")
    timeout: float = Field(15.0, gt=0, description="单个页面加载超时（秒）")
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="响应体上限（字节）")
    max_redirects: int = Field(10, ge=0, le=50)
    max_depth: int = Field(30, ge=0, description="从首页起的最大链接深度")
    max_pages: int = Field(100_000, ge=1, description="每站最多抓取页面数")
    max_per_pattern: int = Field(2_000, ge=1, description="同一路径模式最多抓取页面数（防爬虫陷阱）")
    max_path_repeats: int = Field(3, ge=1, description="同一路径段重复出现的上限")
    retries: int = Field(2, ge=0, le=10, description="暂时性错误重试次数")
    retry_backoff: float = Field(0.5, ge=0, description="首次重试前等待（秒），之后翻倍")
    max_retry_after: float = Field(60.0, ge=0, description="服从 Retry-After 的最长等待（秒）")
    user_agent: str = DEFAULT_USER_AGENT
    include: list[str] = Field(default_factory=list, description="额外纳入抓取范围的主机或路径前缀")
    check_external: bool = True


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVINSPECT_",
        env_nested_delimiter="__",
        toml_file="govinspect.toml",
        extra="ignore",
    )

    db: str = Field("sqlite:///govinspect.db", description="SQLAlchemy 数据库地址")
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    data_dir: Path | None = Field(None, description="用户词表、白名单等数据文件所在目录")
    checks: str = Field("", description="只运行这些检查（逗号分隔的检查名，空为全部）")

    def enabled_checks(self) -> list[str] | None:
        names = [n.strip() for n in self.checks.split(",") if n.strip()]
        return names or None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = os.environ.get("GOVINSPECT_CONFIG", "govinspect.toml")
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    def with_overrides(self, **crawl_overrides: Any) -> Settings:
        """A copy with the command line's crawl options applied (None means: not given)."""
        given = {k: v for k, v in crawl_overrides.items() if v is not None}
        if not given:
            return self
        crawl = self.crawl.model_copy(update=given)
        CrawlSettings.model_validate(crawl.model_dump())  # the same validation as the file/env
        return self.model_copy(update={"crawl": crawl})


def db_url_from(value: str) -> str:
    """Accept a bare file path as well as an SQLAlchemy URL."""
    if "://" in value:
        return value
    return f"sqlite:///{value}"
