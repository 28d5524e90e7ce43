#include "store/sqlite/subjournal_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace ordo {

namespace {

constexpr const char* kName = "ordo-subjournal";
// SQLite 3.40's unix VFS masks every write to 0x1ffff bytes: a spill is copied in smaller pieces.
constexpr std::size_t kSpillPiece = 64 * 1024;

std::atomic<std::size_t> g_limit{32u * 1024 * 1024};
std::atomic<std::int64_t> g_opened{0}, g_spilled{0};

sqlite3_vfs* g_base = nullptr;  // the default VFS we wrap (set once, before registration)
sqlite3_vfs g_vfs;              // ours

// A sub-journal: a buffer until it outgrows the limit, then the base VFS's temp file.
struct MemFile {
  sqlite3_file base;  // must be first: SQLite hands us this pointer
  std::vector<unsigned char>* data;
  sqlite3_file* spilled;  // the base VFS's file once spilled, else null
  int flags;              // as opened, for the spill
};

MemFile& mem(sqlite3_file* f) { return *reinterpret_cast<MemFile*>(f); }

int spill(MemFile& m) {
  auto* real = static_cast<sqlite3_file*>(sqlite3_malloc(g_base->szOsFile));
  if (!real) return SQLITE_NOMEM;
  std::memset(real, 0, static_cast<std::size_t>(g_base->szOsFile));
  int rc = g_base->xOpen(g_base, nullptr, real, m.flags, nullptr);
  const std::vector<unsigned char>& d = *m.data;
  for (std::size_t at = 0; rc == SQLITE_OK && at < d.size(); at += kSpillPiece) {
    const std::size_t n = std::min(kSpillPiece, d.size() - at);
    rc = real->pMethods->xWrite(real, d.data() + at, static_cast<int>(n), static_cast<sqlite3_int64>(at));
  }
  if (rc != SQLITE_OK) {
    if (real->pMethods) real->pMethods->xClose(real);
    sqlite3_free(real);
    return rc;
  }
  delete m.data;
  m.data = nullptr;
  m.spilled = real;
  g_spilled.fetch_add(1, std::memory_order_relaxed);
  return SQLITE_OK;
}

int mem_close(sqlite3_file* f) {
  MemFile& m = mem(f);
  int rc = SQLITE_OK;
  if (m.spilled) {
    rc = m.spilled->pMethods->xClose(m.spilled);
    sqlite3_free(m.spilled);
    m.spilled = nullptr;
  }
  delete m.data;
  m.data = nullptr;
  return rc;
}

int mem_read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  MemFile& m = mem(f);
  if (m.spilled) return m.spilled->pMethods->xRead(m.spilled, out, amount, offset);
  const auto size = static_cast<sqlite3_int64>(m.data->size());
  const sqlite3_int64 have = std::clamp<sqlite3_int64>(size - offset, 0, amount);
  if (have > 0) std::memcpy(out, m.data->data() + offset, static_cast<std::size_t>(have));
  if (have < amount) {
    std::memset(static_cast<char*>(out) + have, 0, static_cast<std::size_t>(amount - have));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int mem_write(sqlite3_file* f, const void* in, int amount, sqlite3_int64 offset) {
  MemFile& m = mem(f);
  const auto end = static_cast<std::size_t>(offset) + static_cast<std::size_t>(amount);
  if (!m.spilled && end > g_limit.load(std::memory_order_relaxed)) {
    if (int rc = spill(m); rc != SQLITE_OK) return rc;
  }
  if (m.spilled) return m.spilled->pMethods->xWrite(m.spilled, in, amount, offset);
  try {
    if (end > m.data->size()) m.data->resize(end);  // amortised growth; a gap reads as zeros
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  std::memcpy(m.data->data() + offset, in, static_cast<std::size_t>(amount));
  return SQLITE_OK;
}

int mem_truncate(sqlite3_file* f, sqlite3_int64 size) {
  MemFile& m = mem(f);
  if (m.spilled) return m.spilled->pMethods->xTruncate(m.spilled, size);
  if (static_cast<std::size_t>(size) < m.data->size()) m.data->resize(static_cast<std::size_t>(size));
  return SQLITE_OK;
}

int mem_sync(sqlite3_file* f, int flags) {
  MemFile& m = mem(f);
  return m.spilled ? m.spilled->pMethods->xSync(m.spilled, flags) : SQLITE_OK;
}

int mem_size(sqlite3_file* f, sqlite3_int64* out) {
  MemFile& m = mem(f);
  if (m.spilled) return m.spilled->pMethods->xFileSize(m.spilled, out);
  *out = static_cast<sqlite3_int64>(m.data->size());
  return SQLITE_OK;
}

// A sub-journal is private to its connection: nothing to lock.
int mem_lock(sqlite3_file*, int) { return SQLITE_OK; }
int mem_check_reserved(sqlite3_file*, int* out) {
  *out = 0;
  return SQLITE_OK;
}
int mem_file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int mem_sector_size(sqlite3_file*) { return 4096; }
int mem_device(sqlite3_file*) { return 0; }

sqlite3_io_methods make_methods() {
  sqlite3_io_methods m{};
  m.iVersion = 1;
  m.xClose = mem_close;
  m.xRead = mem_read;
  m.xWrite = mem_write;
  m.xTruncate = mem_truncate;
  m.xSync = mem_sync;
  m.xFileSize = mem_size;
  m.xLock = mem_lock;
  m.xUnlock = mem_lock;
  m.xCheckReservedLock = mem_check_reserved;
  m.xFileControl = mem_file_control;
  m.xSectorSize = mem_sector_size;
  m.xDeviceCharacteristics = mem_device;
  return m;
}
const sqlite3_io_methods kMemMethods = make_methods();

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  if (name != nullptr || !(flags & SQLITE_OPEN_SUBJOURNAL)) return g_base->xOpen(g_base, name, f, flags, out_flags);
  MemFile& m = mem(f);
  m.base.pMethods = nullptr;
  m.data = new (std::nothrow) std::vector<unsigned char>();
  if (!m.data) return SQLITE_NOMEM;
  m.spilled = nullptr;
  m.flags = flags;
  m.base.pMethods = &kMemMethods;
  if (out_flags) *out_flags = flags;
  g_opened.fetch_add(1, std::memory_order_relaxed);
  return SQLITE_OK;
}

// Everything else is the base VFS's.
int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_base->xDelete(g_base, name, sync_dir); }
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_base->xAccess(g_base, name, flags, out); }
int vfs_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) { return g_base->xDlOpen(g_base, name); }
void vfs_dl_error(sqlite3_vfs*, int n, char* out) { g_base->xDlError(g_base, n, out); }
void (*vfs_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_base->xDlSym(g_base, h, sym); }
void vfs_dl_close(sqlite3_vfs*, void* h) { g_base->xDlClose(g_base, h); }
int vfs_randomness(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
int vfs_sleep(sqlite3_vfs*, int us) { return g_base->xSleep(g_base, us); }
int vfs_current_time(sqlite3_vfs*, double* out) { return g_base->xCurrentTime(g_base, out); }
int vfs_last_error(sqlite3_vfs*, int n, char* out) { return g_base->xGetLastError(g_base, n, out); }
int vfs_current_time64(sqlite3_vfs*, sqlite3_int64* out) { return g_base->xCurrentTimeInt64(g_base, out); }
int vfs_set_syscall(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return g_base->xSetSystemCall(g_base, name, p);
}
sqlite3_syscall_ptr vfs_get_syscall(sqlite3_vfs*, const char* name) { return g_base->xGetSystemCall(g_base, name); }
const char* vfs_next_syscall(sqlite3_vfs*, const char* name) { return g_base->xNextSystemCall(g_base, name); }

}  // namespace

const char* subjournal_vfs() {
  static std::once_flag once;
  static const char* registered = nullptr;
  std::call_once(once, [] {
    // Before SQLite initialises (sqlite3_vfs_find does): no allocation statistics, which
    // take a global mutex around every sqlite3_malloc and free. Nothing here reads them.
    // Refused (harmlessly) when something initialised SQLite first.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    g_base = sqlite3_vfs_find(nullptr);
    if (!g_base || g_base->iVersion < 3) return;  // unexpected: use the default VFS as it is
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 3;
    g_vfs.szOsFile = std::max(g_base->szOsFile, static_cast<int>(sizeof(MemFile)));
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kName;
    g_vfs.xOpen = vfs_open;
    g_vfs.xDelete = vfs_delete;
    g_vfs.xAccess = vfs_access;
    g_vfs.xFullPathname = vfs_full_pathname;
    g_vfs.xDlOpen = vfs_dl_open;
    g_vfs.xDlError = vfs_dl_error;
    g_vfs.xDlSym = vfs_dl_sym;
    g_vfs.xDlClose = vfs_dl_close;
    g_vfs.xRandomness = vfs_randomness;
    g_vfs.xSleep = vfs_sleep;
    g_vfs.xCurrentTime = vfs_current_time;
    g_vfs.xGetLastError = vfs_last_error;
    g_vfs.xCurrentTimeInt64 = vfs_current_time64;
    g_vfs.xSetSystemCall = vfs_set_syscall;
    g_vfs.xGetSystemCall = vfs_get_syscall;
    g_vfs.xNextSystemCall = vfs_next_syscall;
    if (sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK) registered = kName;
  });
  return registered;
}

std::size_t subjournal_memory_limit() { return g_limit.load(std::memory_order_relaxed); }
void set_subjournal_memory_limit(std::size_t bytes) { g_limit.store(bytes, std::memory_order_relaxed); }

SubjournalStats subjournal_stats() {
  return {g_opened.load(std::memory_order_relaxed), g_spilled.load(std::memory_order_relaxed)};
}

}  // namespace ordo
