#pragma once

#include "db/health/healthreport.h"

#include <QFrame>

class QLabel;

// One health signal as a light: a coloured dot and, because colour alone
// tells nothing to some people, the level in words, the value and the
// thresholds.
class HealthLight : public QFrame
{
    Q_OBJECT
public:
    explicit HealthLight(const QString &title, QWidget *parent = nullptr);

    // alerting: in alert (including the quiet period before it clears).
    void setState(HealthReport::Level level, bool alerting, const QString &value, const QString &thresholds);
    void setStatus(HealthReport::Status status);

    QString levelText() const;
    QString valueText() const;

    static QString levelName(HealthReport::Level level, bool alerting);
    static QString statusName(HealthReport::Status status);

private:
    void paint(const QColor &colour, const QString &level);

    QString m_title;
    QLabel *m_dot = nullptr;
    QLabel *m_level = nullptr;
    QLabel *m_value = nullptr;
    QLabel *m_thresholds = nullptr;
};
