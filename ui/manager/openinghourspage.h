#pragma once

#include "db/calendar/openinghours.h"
#include "ui/manager/sitesetuppage.h"

class QCheckBox;
class QLineEdit;
class QPushButton;

// The "Opening hours" tab: each weekday (in the display locale's names)
// open or closed, with its ranges typed as "08:00-12:00, 12:30-18:00" and
// read by OpeningHours::parse, the parser the command line uses. Save
// writes the changed days in one transaction.
class OpeningHoursPage : public SiteSetupPage
{
    Q_OBJECT
public:
    OpeningHoursPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                     QWidget *parent = nullptr);

    void reload();
    void save();
    // ISO weekday 1..7.
    QCheckBox *openBox(int weekday) const { return m_open.value(weekday - 1); }
    QLineEdit *rangesField(int weekday) const { return m_ranges.value(weekday - 1); }

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<OpeningPeriod> &periods);
    static QString fieldName(int weekday);

    QList<QCheckBox *> m_open;
    QList<QLineEdit *> m_ranges;
    QMap<int, QString> m_loaded; // weekday -> OpeningHours::format of what is stored
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
};
