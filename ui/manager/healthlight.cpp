#include "ui/manager/healthlight.h"

#include <QLabel>
#include <QVBoxLayout>

namespace {

const QColor kGreen(0x2e, 0x7d, 0x32);
const QColor kAmber(0xef, 0x8f, 0x00);
const QColor kRed(0xc6, 0x28, 0x28);

} // namespace

HealthLight::HealthLight(const QString &title, QWidget *parent)
    : QFrame(parent)
    , m_title(title)
{
    setFrameShape(QFrame::StyledPanel);
    auto *name = new QLabel(title, this);
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    m_dot = new QLabel(this);
    m_dot->setText(QStringLiteral("●"));
    QFont big = m_dot->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    m_dot->setFont(big);
    m_level = new QLabel(this);
    m_level->setObjectName(QStringLiteral("level"));
    m_level->setFont(bold);
    m_value = new QLabel(this);
    m_value->setObjectName(QStringLiteral("value"));
    m_thresholds = new QLabel(this);
    m_thresholds->setWordWrap(true);
    QFont small = m_thresholds->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_thresholds->setFont(small);

    auto *top = new QHBoxLayout;
    top->addWidget(m_dot);
    top->addWidget(name, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_level);
    layout->addWidget(m_value);
    layout->addWidget(m_thresholds);
    layout->addStretch(1);
    setFocusPolicy(Qt::TabFocus); // reachable by keyboard so a screen reader reads it
    paint(palette().color(QPalette::Mid), tr("Waiting for data"));
}

QString HealthLight::levelName(HealthReport::Level level, bool alerting)
{
    if (alerting && level != HealthReport::Level::Alert)
        return tr("Alert (recovering)");
    switch (level) {
    case HealthReport::Level::Healthy:
        return tr("Healthy");
    case HealthReport::Level::Warning:
        return tr("Warning");
    case HealthReport::Level::Alert:
        return tr("Alert");
    }
    return {};
}

QString HealthLight::statusName(HealthReport::Status status)
{
    switch (status) {
    case HealthReport::Status::Healthy:
        return tr("Healthy");
    case HealthReport::Status::Degraded:
        return tr("Degraded");
    case HealthReport::Status::Unhealthy:
        return tr("Unhealthy");
    }
    return {};
}

void HealthLight::setState(HealthReport::Level level, bool alerting, const QString &value,
                           const QString &thresholds)
{
    const QColor colour = alerting || level == HealthReport::Level::Alert ? kRed
        : level == HealthReport::Level::Warning                           ? kAmber
                                                                          : kGreen;
    m_value->setText(value);
    m_thresholds->setText(thresholds);
    paint(colour, levelName(level, alerting));
}

void HealthLight::setStatus(HealthReport::Status status)
{
    const QColor colour = status == HealthReport::Status::Unhealthy ? kRed
        : status == HealthReport::Status::Degraded                  ? kAmber
                                                                    : kGreen;
    m_value->clear();
    m_thresholds->clear();
    paint(colour, statusName(status));
}

void HealthLight::paint(const QColor &colour, const QString &level)
{
    QPalette p = m_dot->palette();
    p.setColor(QPalette::WindowText, colour);
    m_dot->setPalette(p);
    m_level->setText(level);
    setAccessibleName(tr("%1: %2").arg(m_title, level));
    setAccessibleDescription(QStringList {m_value->text(), m_thresholds->text()}.join(QStringLiteral("; ")));
    setToolTip(accessibleDescription());
}

QString HealthLight::levelText() const
{
    return m_level->text();
}

QString HealthLight::valueText() const
{
    return m_value->text();
}
