#pragma once

#include "db/pool/dberror.h"

#include <QCoreApplication>

// The "what to do" line under an error, by the error's kind: people at a
// desk need the next step, not the SQLSTATE (which stays in the log and the
// banner's technical line).
class ErrorText
{
    Q_DECLARE_TR_FUNCTIONS(ErrorText)
public:
    static QString whatToDo(const DbError &error);
    // whatToDo() plus the technical detail, for a manager's dialog.
    static QString whatToDoWithDetail(const DbError &error);
};
