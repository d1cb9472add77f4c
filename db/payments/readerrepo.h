#pragma once

#include "db/payments/cardreader.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>

#include <optional>

// card_readers: the Stripe Terminal readers and which desk or kiosk each
// serves (at most one per device; a manager or operator assigns them). Runs
// inside a unit of work on a pooled connection (blocking; throws
// DbException from the Sql helpers). Each change is audited with who made
// it. Refusals are Invalid values with a sentence naming what to do.
class ReaderRepo
{
    Q_DECLARE_TR_FUNCTIONS(ReaderRepo)
public:
    explicit ReaderRepo(QSqlDatabase &db);

    // tmr_ followed by letters, digits or underscores (Stripe's reader ids).
    static bool isReaderId(const QString &id);

    // A device as a sentence names it: desk "Front", kiosk "Entrance".
    static QString deviceWords(const QString &kind, const QString &name);

    // Every reader, by id.
    QList<CardReader> list();
    std::optional<CardReader> byId(const QString &id);
    // The reader of one desk or kiosk.
    std::optional<CardReader> forDevice(const QString &kind, const QString &name);

    // Invalid for a malformed id, an empty label, or an id already there.
    DbResult<CardReader> add(const QString &id, const QString &label, const QString &actor);
    // NotFound when there is no such reader.
    DbResult<Done> remove(const QString &id, const QString &actor);
    // kind desk or kiosk. Invalid when that device has another reader
    // already (unassign that one first); NotFound for an unknown reader.
    DbResult<CardReader> assign(const QString &id, const QString &kind, const QString &name,
                                const QString &actor);
    DbResult<CardReader> unassign(const QString &id, const QString &actor);

private:
    QSqlDatabase &m_db;
};
