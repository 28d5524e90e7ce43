// Validation of client input against a RecordType: pure functions, no I/O.
//
// The engine keeps a record's declared field values as a JSON object whose members are
// canonical: integers as int64, booleans as bool, timestamps as RFC 3339 UTC strings,
// references as int64 ids, absent values as null. These functions turn client bodies into
// that form, reject anything else with per-field errors, and compute derived fields.
// Whether a reference points at an existing record is checked by the caller (it needs the
// store).
//
//   auto values = validate_create(incident_type(), body, clock.now());
//   if (!values) return values.error();   // 400 with errors[]
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/clock.h"
#include "domain/record_type.h"
#include "domain/result.h"

namespace ordo {

// The outcome of a change: the full new field values and what changed ({field: [old, new]}).
struct Change {
  boost::json::object values;
  boost::json::object changes;
  std::string status;       // new status (== old one unless a transition)
};

// Create: every declared field is present in the result (null when absent). The status,
// when the type has a workflow, is the initial one.
Result<Change> validate_create(const RecordType& t, const boost::json::object& body, Instant now);

// Patch: only writable declared fields (plus the member "version", which is ignored here).
Result<Change> validate_patch(const RecordType& t, const boost::json::object& current,
                              const boost::json::object& body);

// Transition: body {"to": state, "version"?: N, <writable field>: value ...}.
// kConflict with `allowed` filled when the workflow forbids the move.
Result<Change> validate_transition(const RecordType& t, const boost::json::object& current,
                                   const std::string& current_status,
                                   const boost::json::object& body, Instant now);

// Converts one client value to the field's canonical form.
Result<boost::json::value> normalize_value(const FieldDef& f, const boost::json::value& v);

}  // namespace ordo
