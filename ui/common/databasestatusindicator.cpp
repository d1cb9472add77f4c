#include "ui/common/databasestatusindicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>

namespace {

QPixmap light(const QColor &colour, int size, qreal devicePixelRatio)
{
    QPixmap pixmap(QSize(size, size) * devicePixelRatio);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(colour.darker(140), 1));
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    return pixmap;
}

} // namespace

DatabaseStatusIndicator::DatabaseStatusIndicator(DatabaseHealthWatcher &watcher, QWidget *parent)
    : QWidget(parent)
    , m_watcher(watcher)
{
    setObjectName(QStringLiteral("databaseStatus"));
    setAccessibleName(tr("Database status"));
    m_light = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("databaseStatusText"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_light);
    layout->addWidget(m_text);
    connect(&m_watcher, &DatabaseHealthWatcher::checked, this, &DatabaseStatusIndicator::refresh);
    refresh();
}

QString DatabaseStatusIndicator::text() const
{
    return m_text->text();
}

void DatabaseStatusIndicator::refresh()
{
    QString text;
    switch (m_watcher.state()) {
    case DatabaseHealthWatcher::State::Unknown:
        m_colour = QColor(0x9e, 0x9e, 0x9e);
        text = tr("Database: checking");
        break;
    case DatabaseHealthWatcher::State::Healthy:
        m_colour = QColor(0x2e, 0x7d, 0x32);
        text = tr("Database OK");
        break;
    case DatabaseHealthWatcher::State::Degraded:
        m_colour = QColor(0xf9, 0xa8, 0x25);
        text = tr("Database slow");
        break;
    case DatabaseHealthWatcher::State::Unavailable:
        m_colour = QColor(0xc6, 0x28, 0x28);
        text = tr("Database unavailable");
        break;
    }
    const int size = fontMetrics().height() * 3 / 4;
    m_light->setPixmap(light(m_colour, size, devicePixelRatioF()));
    m_text->setText(text);
    setToolTip(m_watcher.summary());
    setAccessibleDescription(text + u'\n' + m_watcher.summary());
}
