#include "ui/common/errortext.h"

QString ErrorText::whatToDo(const DbError &error)
{
    switch (error.kind()) {
    case DbError::Kind::Unavailable:
        return tr("Check that the database server is running and this computer is on the network, then press "
                  "Retry.");
    case DbError::Kind::PoolTimeout:
    case DbError::Kind::Transient:
        return tr("The database is busy. Wait a moment and press Retry.");
    case DbError::Kind::Configuration:
        return tr(
            "The database settings are not right. A manager can correct them under Settings, or start the "
            "program with DATABASE_URL set.");
    case DbError::Kind::ShuttingDown:
        return tr("The program is closing.");
    case DbError::Kind::Invalid:
    case DbError::Kind::NotFound:
    case DbError::Kind::SlotTaken:
    case DbError::Kind::UniqueViolation:
    case DbError::Kind::ConstraintViolation:
        return tr("Check what you entered and try again.");
    case DbError::Kind::None:
    case DbError::Kind::Fatal:
        break;
    }
    return tr("Press Retry. If it happens again, tell your manager: %1").arg(error.toLogString());
}

QString ErrorText::whatToDoWithDetail(const DbError &error)
{
    const QString next = whatToDo(error);
    if (error.detail().isEmpty() || next.contains(error.toLogString()))
        return next;
    // libpq's messages come over several indented lines; one reads better.
    return tr("%1\nDetail: %2").arg(next, error.detail().simplified());
}
