#pragma once

#include "db/calendar/openinghours.h"
#include "db/pool/fielderror.h"

#include <QList>
#include <QMap>
#include <QWidget>

#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;

// The week's opening hours as people type them: each weekday (in the
// display locale's names) open or closed, with its ranges as
// "08:00-12:00, 12:30-18:00", read by OpeningHours::parse (the command
// line's parser). The manager's Opening hours tab and the desk's first run
// both show it. GUI thread only; no database.
class OpeningHoursEditor : public QWidget
{
    Q_OBJECT
public:
    // errorLabel makes the hidden label for a day's message (its field is
    // fieldName(weekday)); the editor puts it under the day's ranges.
    OpeningHoursEditor(const std::function<QLabel *(const QString &field)> &errorLabel, QWidget *parent);

    // "hours.mon" … "hours.sun".
    static QString fieldName(int weekday);

    void setPeriods(const QList<OpeningPeriod> &periods);
    // Every weekday's periods (empty: closed); a day that does not read goes
    // to *errors instead, named by its field.
    QMap<int, QList<OpeningPeriod>> week(QList<FieldError> *errors) const;

    // ISO weekday 1..7.
    QCheckBox *openBox(int weekday) const { return m_open.value(weekday - 1); }
    QLineEdit *rangesField(int weekday) const { return m_ranges.value(weekday - 1); }

private:
    QList<QCheckBox *> m_open;
    QList<QLineEdit *> m_ranges;
};
