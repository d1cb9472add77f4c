#include "tests/harness/poolwarnings.h"

#include <QMutexLocker>

#include <algorithm>
#include <atomic>

namespace {

// A message handler is a plain function: it finds the live collector here.
std::atomic<PoolWarnings *> g_current {nullptr};

} // namespace

PoolWarnings::PoolWarnings(Mode mode)
    : m_mode(mode)
{
    g_current.store(this);
    m_previous = qInstallMessageHandler(&PoolWarnings::handle);
}

PoolWarnings::~PoolWarnings()
{
    qInstallMessageHandler(m_previous);
    g_current.store(nullptr);
}

QStringList PoolWarnings::lines() const
{
    QMutexLocker lock(&m_mutex);
    return m_lines;
}

bool PoolWarnings::contains(const QString &needle) const
{
    QMutexLocker lock(&m_mutex);
    return std::any_of(m_lines.cbegin(), m_lines.cend(),
                       [&needle](const QString &line) { return line.contains(needle); });
}

void PoolWarnings::clear()
{
    QMutexLocker lock(&m_mutex);
    m_lines.clear();
}

void PoolWarnings::handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    PoolWarnings *self = g_current.load();
    if (!self)
        return;
    if (context.category && qstrcmp(context.category, "carwash.db.pool") == 0 && type == QtWarningMsg) {
        {
            QMutexLocker lock(&self->m_mutex);
            self->m_lines << message;
        }
        if (self->m_mode == Mode::Swallow)
            return;
    }
    if (self->m_previous)
        self->m_previous(type, context, message);
}
