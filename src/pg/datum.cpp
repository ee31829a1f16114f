// commerce_fdw PostgreSQL glue: conversions between Datums and the engine's
// canonical text (see engine/wire/values.h): condition values and written
// rows go out as canonical text, decoded rows come back through the
// attributes' input functions.
#include <algorithm>
#include <cstdio>

#include "pg/glue.h"

namespace cfdw::pg {

namespace {

char* format_timestamp(Timestamp ts, bool with_zone) {
  struct pg_tm tm;
  fsec_t fsec;
  if (TIMESTAMP_NOT_FINITE(ts)) return pstrdup(TIMESTAMP_IS_NOBEGIN(ts) ? "-infinity" : "infinity");
  if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0)
    ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
  char frac[16] = "";
  if (fsec != 0) snprintf(frac, sizeof frac, ".%06d", int(fsec));
  return psprintf("%04d-%02d-%02d %02d:%02d:%02d%s%s", tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, frac, with_zone ? "+00" : "");
}

}  // namespace

char* datum_to_canonical(Datum value, Oid type) {
  switch (type) {
    case BOOLOID:
      return pstrdup(DatumGetBool(value) ? "t" : "f");
    case DATEOID: {
      DateADT d = DatumGetDateADT(value);
      if (DATE_NOT_FINITE(d)) return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
      int y, m, day;
      j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
      return psprintf("%04d-%02d-%02d", y, m, day);
    }
    case TIMESTAMPOID:
      return format_timestamp(DatumGetTimestamp(value), false);
    case TIMESTAMPTZOID:
      return format_timestamp(DatumGetTimestampTz(value), true);  // UTC
    default: {
      Oid out;
      bool varlena;
      getTypeOutputInfo(type, &out, &varlena);
      return OidOutputFunctionCall(out, value);
    }
  }
}

char** array_to_canonical(Datum array, int* n) {
  ArrayType* arr = DatumGetArrayTypeP(array);
  const Oid elem = ARR_ELEMTYPE(arr);
  int16 typlen;
  bool byval;
  char align;
  get_typlenbyvalalign(elem, &typlen, &byval, &align);
  Datum* elems;
  bool* nulls;
  deconstruct_array(arr, elem, typlen, byval, align, &elems, &nulls, n);
  char** out = static_cast<char**>(palloc0(sizeof(char*) * std::max(1, *n)));
  for (int k = 0; k < *n; ++k) out[k] = nulls[k] ? nullptr : datum_to_canonical(elems[k], elem);
  return out;
}

void input_functions(TupleDesc td, FmgrInfo** inputs, Oid** ioparams) {
  *inputs = static_cast<FmgrInfo*>(palloc0(sizeof(FmgrInfo) * std::max(1, td->natts)));
  *ioparams = static_cast<Oid*>(palloc0(sizeof(Oid) * std::max(1, td->natts)));
  for (int i = 0; i < td->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(td, i);
    if (att->attisdropped) continue;
    Oid in;
    getTypeInputInfo(att->atttypid, &in, &(*ioparams)[i]);
    fmgr_info(in, &(*inputs)[i]);
  }
}

Datum canonical_to_datum(const char* text, Form_pg_attribute att, FmgrInfo* input, Oid ioparam) {
  return InputFunctionCall(input, const_cast<char*>(text), ioparam, att->atttypmod);
}

}  // namespace cfdw::pg
