// A SQLite VFS that keeps statement sub-journals in memory, in a flat buffer.
//
// Why: every SAVEPOINT and every statement that may abort half-way (an INSERT whose FTS
// trigger writes a second table, a multi-row INSERT) copies each page it is about to change
// into the sub-journal, so that ROLLBACK TO can put it back. SQLite keeps the first 64 KiB of
// it in memory and then spills it to a temp file: with temp_store=FILE a create or an import
// batch paid a kernel pwrite per journalled page (a third of insert_record's CPU, see
// docs/performance.md). SQLite's own all-memory journal (temp_store=MEMORY) is no way out: it
// finds a truncation point by walking its chunk list from the start, so a statement inside a
// long savepoint cost time proportional to the whole journal. And raising the spill threshold
// past 128 KiB (SQLITE_CONFIG_STMTJRNL_SPILL) makes SQLite 3.40's unix VFS write zero bytes
// (it masks each write to 0x1ffff) and report SQLITE_FULL.
//
// This VFS wraps the default one ("unix"): every file but a sub-journal is the default VFS's
// own file, with its own methods (no extra call on any database, WAL or shm access). A
// sub-journal (SQLITE_OPEN_SUBJOURNAL, no name) is a growable buffer: writes, reads and
// truncation are a memcpy or a size change. One that outgrows subjournal_memory_limit() (a
// batch that touched tens of thousands of pages) moves to a real temp file of the default
// VFS and continues there, so memory stays bounded.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ordo {

// Registers the VFS once (thread-safe) and returns its name for sqlite3_open_v2. The first
// call also turns off SQLite's allocation statistics (SQLITE_CONFIG_MEMSTATUS), a global
// mutex around every allocation, when SQLite is not initialised yet.
const char* subjournal_vfs();

// Bytes a sub-journal may hold in memory before it moves to a temp file (default 32 MiB).
std::size_t subjournal_memory_limit();
void set_subjournal_memory_limit(std::size_t bytes);  // tests

struct SubjournalStats {
  std::int64_t opened = 0;   // sub-journals opened in memory
  std::int64_t spilled = 0;  // of those, moved to a temp file past the limit
};
SubjournalStats subjournal_stats();

}  // namespace ordo
