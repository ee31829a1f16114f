// G-Commerce: what its two declaration files share (gcommerce.cpp declares the
// API and its tables, gcommerce_products.cpp the products table).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "apis/declare.h"

namespace cfdw {
namespace gcommerce {

// The documentation gives no maximum for items_per_page (its default is 10);
// 100 is the largest page we ask for: big enough that a catalogue of a few
// thousand products is read in a few dozen requests, small enough to stay
// clear of the API's "more objects than the allowed maximum" answer (413).
constexpr int kPageSize = 100;

// GET /<resource>: the rows under the resource's name, a page at a time.
declare::Read list(const std::string& resource, std::vector<Binding> bindings);
// The list sorted by the API: sort_by=<remote key>&sort_order=asc|desc.
declare::Read sorted_list(const std::string& resource, std::vector<Binding> bindings,
                          std::vector<std::pair<std::string, std::string>> sorts);
// GET /<resource>/:id: one object with every field (the detail columns too).
declare::Read one(const std::string& resource, const std::string& key);

// A time the API sets, sent as a string of epoch seconds.
Column epoch(std::string name, std::string path);

// A column only the single-object endpoint returns; read-only unless the API takes it on writes.
enum Writable { kNotWritten, kWritable };
Column detail_col(std::string name, ColType type, std::string path, Writable writable = kNotWritten,
                  Format decode = Format::Plain);

Table products();

}  // namespace gcommerce
}  // namespace cfdw
