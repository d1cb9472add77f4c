#pragma once

#include <QMutex>
#include <QString>
#include <QStringList>
#include <QtGlobal>

// The pool's warnings (category carwash.db.pool) from every thread, collected
// while one of these lives; the message handler in force before comes back
// when it goes. Echo lets them through to the test log as well; Swallow
// keeps them out of it (for warnings a test provokes on purpose).
class PoolWarnings
{
public:
    enum class Mode { Echo, Swallow };

    explicit PoolWarnings(Mode mode = Mode::Echo);
    ~PoolWarnings();
    PoolWarnings(const PoolWarnings &) = delete;
    PoolWarnings &operator=(const PoolWarnings &) = delete;

    QStringList lines() const;
    bool contains(const QString &needle) const;
    void clear();

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message);

    mutable QMutex m_mutex;
    QStringList m_lines;
    Mode m_mode;
    QtMessageHandler m_previous = nullptr;
};
