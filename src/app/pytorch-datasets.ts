/**
 * The Python side of "Copy as PyTorch" that reads data: torch Datasets for
 * the manifest format of docs/guide.md (one file per image, or WebDataset
 * tar shards), the error-prone example module, and wrappers for what the
 * DataLoader has no option for (skipping failed samples, simulated latency).
 * Plain Python source, put together by pytorch-snippet.ts.
 */

/** Reading a manifest and what it names: a local path or an http(s) URL, relative to the manifest as the browser resolves it. */
export const READ_PY = `def read_bytes(ref):
    """A local file or an http(s) URL (the dev server serves public/ at /)."""
    if ref.startswith(("http://", "https://")):
        with urllib.request.urlopen(ref) as response:
            return response.read()
    with open(ref, "rb") as file:
        return file.read()


def resolve(base, src):
    """\`src\` relative to the manifest's own location, as the browser resolves it (absolute URLs stay)."""
    if base.startswith(("http://", "https://")) or src.startswith(("http://", "https://")):
        return urllib.parse.urljoin(base, src)
    return os.path.join(os.path.dirname(base), src)


def open_image(data, mode, size):
    """Decodes, converts to the manifest's channels (L, RGB or RGBA) and resizes to its declared size."""
    image = Image.open(io.BytesIO(data)).convert(mode)
    if size and image.size != (size[1], size[0]):
        image = image.resize((size[1], size[0]), Image.BILINEAR)
    return image


MODES = {1: "L", 3: "RGB", 4: "RGBA"}`;

/** A split that lists one item per image file. */
export const FILES_PY = `class ManifestDataset(Dataset):
    """One item per image: splits[split] = [{"src": ..., "label": ...}] (docs/guide.md, the manifest format)."""

    def __init__(self, manifest, split, transform):
        meta = json.loads(read_bytes(manifest))
        self.manifest, self.transform = manifest, transform
        self.classes, self.items = meta["classes"], meta["splits"][split]
        self.mode = MODES[meta.get("channels", 3)]
        self.size = (meta["height"], meta["width"]) if "width" in meta else None
        # Feedline keeps an invalid item (no src, a label outside classes, a repeated src)
        # as a sample that fails with reason 'manifest', so onError decides: so does this.
        seen, self.repeats = set(), set()
        for i, item in enumerate(self.items):
            if item.get("src") in seen:
                self.repeats.add(i)
            seen.add(item.get("src"))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        src, label = self.items[i].get("src"), self.items[i].get("label")
        if not isinstance(src, str) or not src:
            raise ValueError(f"splits[{i}] has no src")
        if i in self.repeats:
            raise ValueError(f"splits[{i}] repeats src {src!r}")
        if not isinstance(label, int) or not 0 <= label < len(self.classes):
            raise ValueError(f"splits[{i}] ({src}) has label {label}, outside the {len(self.classes)} classes")
        return self.transform(open_image(read_bytes(resolve(self.manifest, src)), self.mode, self.size)), label`;

/** A split packed in tar shards, with or without the index. */
export const SHARDS_PY = `@lru_cache(maxsize=4)
def shard_bytes(url):
    """A whole shard, kept per worker process while it is read (Feedline's shardCacheBytes)."""
    return read_bytes(url)


def expand_braces(pattern):
    """train-{000000..000003}.tar -> the four names, as WebDataset's brace patterns."""
    m = re.search(r"\\{(\\d+)\\.\\.(\\d+)\\}", pattern)
    if not m:
        return [pattern]
    width, rest = len(m.group(1)), []
    for n in range(int(m.group(1)), int(m.group(2)) + 1):
        rest += expand_braces(pattern[: m.start()] + str(n).zfill(width) + pattern[m.end() :])
    return rest


def tar_index(data):
    """Without an index in the manifest: the tar's files grouped by key (the name up to its first dot)."""
    samples = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            start = member.name.rfind("/") + 1
            key, _, ext = member.name[start:].partition(".")
            sample = samples.setdefault(member.name[:start] + key, {})
            if ext == "cls":
                sample["label"] = int(tar.extractfile(member).read())
            elif ext.lower() in ("png", "jpg", "jpeg", "webp", "gif", "bmp"):
                sample["offset"], sample["length"] = member.offset_data, member.size
    return [s for s in samples.values() if "offset" in s]


class ShardDataset(Dataset):
    """WebDataset-style tar shards (docs/guide.md, packed shards). Plain tarfile rather than the
    webdataset package: webdataset streams shards as an IterableDataset, and a map-style Dataset
    keeps shuffle, the seeded generator and len() exactly as for one file per image. The index
    says where each image lies in its shard, so reading one is a slice of the shard's bytes."""

    def __init__(self, manifest, split, transform):
        meta = json.loads(read_bytes(manifest))
        self.transform, self.classes = transform, meta["classes"]
        self.mode = MODES[meta.get("channels", 3)]
        self.size = (meta["height"], meta["width"]) if "width" in meta else None
        shards = meta["splits"][split]["shards"]
        self.samples = []
        for shard in [shards] if isinstance(shards, str) else shards:
            entries = [{"url": u} for u in expand_braces(shard)] if isinstance(shard, str) else [shard]
            for entry in entries:
                url = resolve(manifest, entry["url"])
                index = entry.get("samples") or tar_index(shard_bytes(url))
                self.samples += [(url, s) for s in index]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        url, s = self.samples[i]
        data = shard_bytes(url)[s["offset"] : s["offset"] + s["length"]]
        return self.transform(open_image(data, self.mode, self.size)), s["label"]`;

/** examples/error-prone-dataset.ts in PyTorch (its own comment gives this class). */
export function errorPronePy(sleepMs: number, slowEvery: number): string {
  return `class ErrorProneDataset(Dataset):
    """examples/error-prone-dataset.ts: 1,000 samples of 10 floats; every ${slowEvery}th is slow
    (${sleepMs / 2} to ${sleepMs * 1.5} ms), every 100th raises an IOError."""

    classes = ["0", "1"]

    def __len__(self):
        return 1000

    def __getitem__(self, idx):
        if idx % ${slowEvery} == ${slowEvery - 1}:
            time.sleep(${sleepMs / 1000} * (0.5 + random.random()))  # a slow read
        if idx % 100 == 0:
            raise IOError(f"could not read sample {idx}")
        return torch.randn(10), torch.randint(0, 2, ()).item()`;
}

/** The playground's simulated slow network: latency plus jitter before each sample. */
export const LATENCY_PY = `class SimulatedLatency(Dataset):
    """The playground's latency knob (simulated there too): each sample arrives late."""

    def __init__(self, dataset, latency_ms, jitter_ms):
        self.dataset, self.latency_ms, self.jitter_ms = dataset, latency_ms, jitter_ms

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        time.sleep((self.latency_ms + random.random() * self.jitter_ms) / 1000)
        return self.dataset[i]`;

/** onError 'skip' and 'retry', which the DataLoader has no option for. */
export const SKIP_PY = `class SkipFailures(Dataset):
    """onError 'skip' has no DataLoader equivalent: a failing __getitem__ stops the epoch.
    Here a failed sample comes back as None and collate_skipping drops it, so the batch is
    smaller and the epoch goes on, as in the browser; each skip is printed with its cause.
    \`retries\` is onError 'retry' ({ retry: 2, then: 'skip' }), without the browser's backoff."""

    def __init__(self, dataset, retries=0):
        self.dataset, self.retries = dataset, retries

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        for attempt in range(self.retries + 1):
            try:
                return self.dataset[i]
            except Exception as error:  # a missing file, bytes that do not decode, an invalid item
                cause = error
        print(f"skipped sample {i}: {cause!r}")
        return None


def collate_skipping(batch):
    batch = [sample for sample in batch if sample is not None]
    return default_collate(batch) if batch else None`;
