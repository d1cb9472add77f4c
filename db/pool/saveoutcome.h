#pragma once

#include "db/pool/dberror.h"
#include "db/pool/fielderror.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

// What a manager's write came to. Refused input is an answer, not a failure
// of the unit of work (so the pool neither retries nor counts it as an
// error): errors names each field with what is accepted. On success, id is
// the row written and note says anything the manager should know (for
// example that a row was deactivated rather than deleted).
class SaveOutcome
{
    Q_DECLARE_TR_FUNCTIONS(SaveOutcome)
public:
    qint64 id = 0;
    QList<FieldError> errors;
    QString note;

    static SaveOutcome saved(qint64 id, const QString &note = {})
    {
        SaveOutcome outcome;
        outcome.id = id;
        outcome.note = note;
        return outcome;
    }
    static SaveOutcome refused(QList<FieldError> errors)
    {
        SaveOutcome outcome;
        outcome.errors = std::move(errors);
        return outcome;
    }

    bool ok() const { return errors.isEmpty(); }
    // The message for one field; empty when it was accepted.
    QString errorFor(const QString &field) const
    {
        for (const FieldError &e : errors) {
            if (e.field == field)
                return e.message;
        }
        return {};
    }
    // Kind::Invalid with a sentence for people; Kind::None when saved.
    DbError error() const
    {
        if (ok())
            return DbError();
        QStringList lines;
        for (const FieldError &e : errors)
            lines << e.message;
        return DbError(DbError::Kind::Invalid,
                       tr("Nothing was saved: %n field(s) need attention.", nullptr, int(errors.size())),
                       lines.join(QLatin1Char('\n')));
    }
};
