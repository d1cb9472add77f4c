#pragma once

#include "db/health/processidentity.h"

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>

#include <algorithm>

// One published snapshot as the diagnostics screen lists it.
struct ProcessHealthEntry
{
    ProcessIdentity process;
    QJsonObject snapshot; // HealthReport JSON plus its latest "points" (HealthPoint)
    QDateTime updatedAt; // the database's clock
    double ageSeconds = 0; // now() - updated_at on the database's clock
    bool stale = false; // not updated for longer than the stale limit
};

// The server's connection budget: what all the processes' pools share.
struct ServerConnectionBudget
{
    int maxConnections = 0; // SHOW max_connections
    int superuserReserved = 0; // SHOW superuser_reserved_connections
    int inUse = 0; // backends now (pg_stat_activity), every client
    int available() const { return std::max(0, maxConnections - superuserReserved); }
};

// Reads and writes process_health. Runs inside a unit of work on a pooled
// connection (blocking; throws DbException from the Sql helpers).
class ProcessHealthRepo
{
public:
    // A snapshot older than this is stale: its process stopped publishing
    // (publishers write every 5 s). Older than a day it is no longer listed
    // (maintenance removes it later).
    static constexpr int StaleAfterSeconds = 15;
    static constexpr int ListForSeconds = 24 * 3600;

    explicit ProcessHealthRepo(QSqlDatabase &db);

    // Inserts or replaces the process's row; updated_at becomes now().
    void publish(const ProcessIdentity &process, const QJsonObject &snapshot);
    // Rows updated within dropAfterSeconds, freshest program first; stale
    // when older than staleAfterSeconds.
    QList<ProcessHealthEntry> list(int staleAfterSeconds, int dropAfterSeconds);
    // True when there was a row to remove.
    bool remove(const ProcessIdentity &process);

    ServerConnectionBudget connectionBudget();

private:
    QSqlDatabase &m_db;
};
