import assert from "node:assert/strict";
import { countTokens as o200k } from "gpt-tokenizer/encoding/o200k_base";
import { countTokens as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { countTokens } from "./tokens.ts";

/** The count the estimate must not fall under: the larger of the two OpenAI encodings. */
const exact = (text: string) => Math.max(o200k(text), cl100k(text));

/** Text as it reaches a model: diff lines with their `+`, `-` or ` ` prefix. */
function asDiff(text: string): string {
  return text.split("\n").map((l, i) => "+- "[i % 3] + l).join("\n") + "\n";
}

/** A small seeded PRNG, so the synthetic samples are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROSE: Record<string, string> = {
  english: `Loom reviews every pull request before a human does. It reads the diff, asks a model for
findings, and posts the ones it can anchor to a changed line as inline comments. Anything it
cannot anchor goes into the summary instead, so nothing the model said is silently dropped.
Reviews are cheap to rerun: a finding keeps its fingerprint when the surrounding code moves.`,
  german:
    `Die Konfiguration wird beim Start gelesen und danach nicht mehr verändert. Wenn eine Datei
fehlt, verwendet der Server sinnvolle Standardwerte und schreibt eine Warnung ins Protokoll.
Änderungen an der Datenbankstruktur müssen über Migrationen erfolgen, niemals von Hand.`,
  french: `Le serveur vérifie chaque requête avant de l'envoyer au modèle. Si le contexte dépasse la
limite, les fichiers sont découpés par blocs et envoyés en plusieurs fois. Les commentaires
qui ne peuvent pas être rattachés à une ligne modifiée apparaissent dans le résumé général.`,
  spanish: `Cuando el modelo devuelve una respuesta inválida, el servidor intenta repararla antes de
descartarla. Los errores de red se reintentan con una espera exponencial, pero un error de
autenticación detiene la revisión de inmediato y se informa al usuario en el comentario.`,
  russian: `Сервер читает настройки при запуске и больше их не меняет. Если файл конфигурации
отсутствует, используются значения по умолчанию, а в журнал записывается предупреждение.
Изменения схемы базы данных выполняются только через миграции, никогда вручную.`,
  greek: `Ο διακομιστής ελέγχει κάθε αίτημα πριν το στείλει στο μοντέλο. Αν το κείμενο ξεπερνά το
όριο, τα αρχεία χωρίζονται σε μικρότερα κομμάτια και αποστέλλονται χωριστά.`,
  turkish: `Sunucu, her isteği modele göndermeden önce kontrol eder. Bağlam sınırı aşılırsa dosyalar
parçalara bölünür ve ayrı ayrı gönderilir. Değiştirilmiş bir satıra bağlanamayan yorumlar
özet bölümünde gösterilir.`,
  japanese:
    `サーバーは起動時に設定を読み込み、その後は変更しません。設定ファイルがない場合は既定値を使い、
ログに警告を書き込みます。データベースの構造を変えるときは、必ずマイグレーションを使ってください。
変更された行に結び付けられない指摘は、まとめのコメントに表示されます。`,
  chinese:
    `服务器在启动时读取配置，之后不再修改。如果配置文件不存在，就使用默认值，并在日志中写入警告。
数据库结构的修改必须通过迁移完成，不能手动操作。无法对应到修改行的问题会显示在总结评论中。`,
  korean:
    `서버는 시작할 때 설정을 읽고 그 이후에는 변경하지 않습니다. 설정 파일이 없으면 기본값을 사용하고
로그에 경고를 남깁니다. 데이터베이스 구조 변경은 반드시 마이그레이션으로 해야 합니다.`,
  arabic: `يقرأ الخادم الإعدادات عند بدء التشغيل ولا يغيرها بعد ذلك. إذا لم يكن ملف الإعدادات موجودًا،
تُستخدم القيم الافتراضية ويُكتب تحذير في السجل. يجب تغيير بنية قاعدة البيانات عبر الترحيلات فقط.`,
  ukrainian: `Сервер читає налаштування під час запуску і більше їх не змінює. Якщо файлу
конфігурації немає, використовуються типові значення, а в журнал пишеться попередження.`,
  polish: `Serwer odczytuje ustawienia przy uruchomieniu i później ich nie zmienia. Jeśli brakuje
pliku, używane są wartości domyślne, a w dzienniku pojawia się ostrzeżenie.`,
  vietnamese: `Máy chủ đọc cấu hình khi khởi động và sau đó không thay đổi. Nếu thiếu tệp cấu hình,
giá trị mặc định sẽ được sử dụng và một cảnh báo được ghi vào nhật ký.`,
  hebrew: `השרת קורא את ההגדרות בעת ההפעלה ואינו משנה אותן לאחר מכן. אם קובץ ההגדרות חסר,
נעשה שימוש בערכי ברירת המחדל ונכתבת אזהרה ביומן.`,
  thai: `เซิร์ฟเวอร์อ่านการตั้งค่าเมื่อเริ่มทำงานและไม่เปลี่ยนแปลงหลังจากนั้น
ถ้าไม่มีไฟล์การตั้งค่าก็จะใช้ค่าเริ่มต้นและเขียนคำเตือนลงในบันทึก`,
  symbols: `// “Quoted” text — with dashes… and arrows: a → b ⇒ c; limits ≤ 10 ≥ 2 ≠ 0 ± 1.
// ┌──────┬──────┐
// │ name │ size │
// └──────┴──────┘`,
  hindi: `सर्वर शुरू होने पर सेटिंग्स पढ़ता है और उसके बाद उन्हें नहीं बदलता। अगर सेटिंग्स की फ़ाइल नहीं मिलती,
तो डिफ़ॉल्ट मान इस्तेमाल होते हैं और लॉग में चेतावनी लिखी जाती है।`,
};

const CODE: Record<string, string> = {
  python: `import os
from dataclasses import dataclass, field


@dataclass
class Settings:
    database_url: str = os.environ.get("DATABASE_URL", "sqlite:///loom.db")
    max_workers: int = 4
    ignore_paths: list[str] = field(default_factory=lambda: ["dist/**", "*.lock"])

    def validate(self) -> None:
        if self.max_workers < 1:
            raise ValueError(f"max_workers must be positive, got {self.max_workers!r}")
        for pattern in self.ignore_paths:
            if pattern.startswith("/"):
                raise ValueError("patterns are relative to the repository root")`,
  go: `package queue

import (
	"context"
	"errors"
	"time"
)

var ErrClosed = errors.New("queue: closed")

// Claim takes the oldest ready job, or waits until one is ready or ctx ends.
func (q *Queue) Claim(ctx context.Context, worker string) (*Job, error) {
	for {
		job, err := q.tryClaim(ctx, worker, time.Now().UTC())
		if err != nil || job != nil {
			return job, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}`,
  rust: `use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: u32,
    pub severity: Severity,
}

impl Finding {
    pub fn fingerprint(&self, context: &[&str]) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.path.as_bytes());
        for line in context.iter().map(|l| l.trim()) {
            hasher.update(line.as_bytes());
        }
        hasher.finalize().to_hex()[..16].to_string()
    }
}

pub fn group(findings: Vec<Finding>) -> HashMap<String, Vec<Finding>> {
    findings.into_iter().fold(HashMap::new(), |mut acc, f| {
        acc.entry(f.path.clone()).or_default().push(f);
        acc
    })
}`,
  sql: `CREATE TABLE IF NOT EXISTS review_jobs (
  id BIGSERIAL PRIMARY KEY,
  repo_id BIGINT NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  head_sha CHAR(40) NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INT NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX review_jobs_ready ON review_jobs (status, created_at) WHERE status = 'queued';
-- claim the oldest queued job
UPDATE review_jobs SET status = 'running', attempts = attempts + 1
WHERE id = (SELECT id FROM review_jobs WHERE status = 'queued' ORDER BY created_at
            FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING id, repo_id, head_sha;`,
  yaml: `name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-24.04
    timeout-minutes: 20
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
    steps:
      - uses: actions/checkout@v4
      - run: deno task check && deno task test
        env:
          DATABASE_URL: postgres://postgres:postgres@localhost:5432/postgres`,
  css: `.review-summary {
  display: grid;
  grid-template-columns: minmax(12rem, 1fr) 3fr;
  gap: 0.75rem 1.5rem;
  padding: 1rem 1.25rem;
  border: 1px solid var(--border-muted, #d0d7de);
  border-radius: 6px;
  background: linear-gradient(180deg, #f6f8fa 0%, #ffffff 100%);
}
.review-summary > .severity-blocker { color: #cf222e; font-weight: 600; }
@media (max-width: 640px) {
  .review-summary { grid-template-columns: 1fr; }
}`,
  html: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Loom — review #1284</title>
    <link rel="stylesheet" href="/static/app.css?v=3f9a2c" />
  </head>
  <body>
    <main id="app" data-review-id="1284" data-repo="acme/widgets">
      <h1>3 findings in <code>src/billing/invoice.ts</code></h1>
      <ul class="findings"><li class="blocker">Rounding error on line 88</li></ul>
    </main>
    <script type="module" src="/static/app.js"></script>
  </body>
</html>`,
  shell: `#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v deno >/dev/null 2>&1; then
  echo "deno is required (https://deno.land)" >&2
  exit 1
fi
export LOOM_DB="\${LOOM_DB:-postgres://postgres@127.0.0.1:5432/loom}"
for dir in src tests adapters; do
  deno fmt --check "$dir" && deno lint "$dir"
done
deno test -A --parallel 2>&1 | tee /tmp/loom-test.log | grep -E '^(ok|FAILED)'`,
  c: `#include <stdint.h>
#include <string.h>

/* Returns the number of bytes of the UTF-8 sequence starting at p, or 0 if invalid. */
static size_t utf8_len(const uint8_t *p, size_t avail) {
    if (p[0] < 0x80) return 1;
    size_t n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || n > avail) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
    }
    return n;
}`,
  json: `{
  "name": "@acme/widgets",
  "version": "2.14.0-beta.3",
  "private": true,
  "scripts": { "build": "tsc -p tsconfig.build.json", "test": "vitest run --coverage" },
  "dependencies": { "zod": "^3.23.8", "date-fns": "^3.6.0", "pino": "^9.2.0" },
  "engines": { "node": ">=20.11" },
  "workspaces": ["packages/*", "apps/web", "apps/api"]
}`,
};

/** This repository's own TypeScript: real code that grows with the project. */
function ownSources(): Record<string, string> {
  const root = new URL("../../", import.meta.url);
  const out: Record<string, string> = {};
  const walk = (dir: URL) => {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory && !entry.name.startsWith(".")) walk(new URL(`${entry.name}/`, dir));
      else if (entry.isFile && entry.name.endsWith(".ts")) {
        const text = Deno.readTextFileSync(new URL(entry.name, dir));
        // Whole files of about 6 KB, like one file of a review request.
        if (text.length > 500) out[new URL(entry.name, dir).pathname] = text.slice(0, 6000);
      }
    }
  };
  for (const dir of ["src/", "tests/"]) walk(new URL(dir, root));
  return out;
}

function synthetic(): Record<string, string> {
  const rnd = random(42);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  const lines = (n: number, line: () => string) => Array.from({ length: n }, line).join("\n");
  const pick = (chars: string) => chars[Math.floor(rnd() * chars.length)];
  return {
    base64: lines(40, () => btoa(String.fromCharCode(...bytes(57)))),
    hex: lines(40, () => [...bytes(32)].map((b) => b.toString(16).padStart(2, "0")).join("")),
    numbers: lines(60, () => Array.from({ length: 8 }, () => (rnd() * 1e4).toFixed(2)).join(",")),
    digits: lines(60, () => Array.from({ length: 20 }, () => Math.floor(rnd() * 10)).join(",")),
    emoji: lines(
      60,
      () =>
        `label = "${
          String.fromCodePoint(
            ...Array.from({ length: 4 }, () => 0x1f300 + Math.floor(rnd() * 600)),
          )
        }";`,
    ),
    punctuation: lines(
      40,
      () => Array.from({ length: 40 }, () => pick("!#$%&()*+,-./:;<=>?@[]^_`{|}~")).join(""),
    ),
    whitespace: lines(80, () => " ".repeat(Math.floor(rnd() * 40)) + "x" + "\t".repeat(3) + ";"),
    uuids: lines(60, () => `  "${crypto.randomUUID()}": ${Math.floor(rnd() * 1e6)},`),
  };
}

/** Minified code: the project's sources with the whitespace a minifier removes taken out. */
function minified(sources: Record<string, string>): string {
  return Object.values(sources).join("\n").replace(/\/\/.*$/gm, "")
    .replace(/\s*([{}()[\];,=:+\-*/<>?|&!])\s*/g, "$1").replace(/\s+/g, " ");
}

function ratios(samples: Record<string, string>): [string, number][] {
  return Object.entries(samples).map(([name, text]) => [name, countTokens(text) / exact(text)]);
}

Deno.test("countTokens: never under-counts code, prose or minified JS by more than 3%", () => {
  const sources = ownSources();
  assert.ok(Object.keys(sources).length >= 5, "the repository's own sources were found");
  const samples: Record<string, string> = {};
  for (const [name, text] of Object.entries({ ...PROSE, ...CODE, ...sources })) {
    samples[name] = asDiff(text);
  }
  samples.minified = minified(sources).slice(0, 20_000);
  for (const [name, ratio] of ratios(samples)) {
    assert.ok(ratio >= 0.97, `${name}: estimate is ${ratio.toFixed(2)}× the exact count`);
  }
});

Deno.test("countTokens: hard synthetic text (base64, hex, numbers, emoji) is not under-counted", () => {
  for (const [name, ratio] of ratios(synthetic())) {
    assert.ok(ratio >= 0.95, `${name}: estimate is ${ratio.toFixed(2)}× the exact count`);
  }
});

Deno.test("countTokens: errs high on code by a bounded amount", () => {
  const texts = [...Object.values(CODE), ...Object.values(ownSources())].map(asDiff);
  const estimated = texts.reduce((n, t) => n + countTokens(t), 0);
  const actual = texts.reduce((n, t) => n + exact(t), 0);
  const ratio = estimated / actual;
  assert.ok(ratio >= 1 && ratio <= 1.5, `overall ratio ${ratio.toFixed(2)}`);
});

Deno.test("countTokens: counting line-ended parts separately never gives less than the whole", () => {
  const text = Object.values({ ...CODE, ...PROSE }).map(asDiff).join("");
  const lines = text.split(/(?<=\n)/);
  const rnd = random(7);
  for (let trial = 0; trial < 50; trial++) {
    const cut = Math.floor(rnd() * lines.length);
    const a = lines.slice(0, cut).join("");
    const b = lines.slice(cut).join("");
    assert.ok(countTokens(a) + countTokens(b) >= countTokens(text));
    assert.ok(countTokens(a) + countTokens(b) <= countTokens(text) + 1);
  }
  assert.equal(countTokens(""), 0);
});

// Its speed is measured by `deno task bench:review` (every prompt is counted), not asserted here.
Deno.test("countTokens: a 20,000-line diff is counted as the sum of its parts", () => {
  const file = asDiff([...Object.values(CODE), ...Object.values(PROSE)].join("\n"));
  const fileLines = file.split("\n").length;
  const text = file.repeat(Math.ceil(20_000 / fileLines));
  assert.ok(text.split("\n").length >= 20_000);
  const copies = Math.ceil(20_000 / fileLines);
  const perCopy = countTokens(file);
  // Copies join without a separator, so a token may span two: within one token per seam.
  const total = countTokens(text);
  assert.ok(Math.abs(total - perCopy * copies) <= copies, `${total} vs ${perCopy} x ${copies}`);
});
