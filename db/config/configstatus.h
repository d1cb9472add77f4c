#pragma once

#include "db/config/databaseconfig.h"

#include <QJsonObject>

// The configuration in force, for people: the redacted URL and every limit
// with its unit and where its value came from (environment, URL, settings,
// default). Never the password.
namespace ConfigStatus {

// {"database_url", "embedded", "settings": [{"name", "value", "unit", "source"}]}
QJsonObject toJson(const DatabaseConfig &config);

} // namespace ConfigStatus
