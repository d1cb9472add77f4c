#include "ui/common/pincheck.h"

#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"
#include "ui/common/stafftext.h"

#include <QLineEdit>
#include <QRegularExpressionValidator>

QLineEdit *PinCheck::field(QWidget *parent, const QString &objectName, const QString &accessibleName)
{
    auto *field = new QLineEdit(parent);
    field->setObjectName(objectName);
    field->setAccessibleName(accessibleName);
    field->setEchoMode(QLineEdit::Password);
    field->setMaxLength(StaffRepo::MaxPinDigits);
    field->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[0-9]{0,%1}").arg(StaffRepo::MaxPinDigits)), field));
    field->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    return field;
}

QString PinCheck::newPinProblem(const QString &pin, const QString &repeat)
{
    if (const QString problem = StaffRepo::pinProblem(pin); !problem.isEmpty())
        return problem;
    if (repeat != pin)
        return tr("The two PINs are not the same. Type it again in both fields.");
    return {};
}

QString PinCheck::lengthProblem(const QString &pin)
{
    if (pin.size() >= StaffRepo::MinPinDigits)
        return {};
    return tr("Type your PIN: %1 to %2 digits.").arg(StaffRepo::MinPinDigits).arg(StaffRepo::MaxPinDigits);
}

QFuture<DbResult<SignInAttempt>> PinCheck::start(ConnectionPool &pool, qint64 staffId, const QString &pin)
{
    return pool.withRetry(QStringLiteral("staff.sign_in"), RetryPolicy::standard(),
                          [staffId, pin](QSqlDatabase &db) { return StaffRepo(db).signIn(staffId, pin); });
}

QString PinCheck::wrongPin(const QString &name, int attemptsLeft)
{
    return tr("That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.", nullptr,
              attemptsLeft)
        .arg(name)
        .arg(StaffRepo::LockMinutes);
}

QString PinCheck::locked(const QString &name, int seconds, LockAdvice advice)
{
    const QString left = StaffText::duration(seconds);
    if (advice == LockAdvice::TryAgainOrReset)
        return tr("%1 is locked after %2 wrong PINs. Try again in %3, or ask a manager to reset the PIN.")
            .arg(name)
            .arg(StaffRepo::MaxFailedAttempts)
            .arg(left);
    return tr("%1 is locked after %2 wrong PINs. Try again in %3.")
        .arg(name)
        .arg(StaffRepo::MaxFailedAttempts)
        .arg(left);
}
