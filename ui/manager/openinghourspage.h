#pragma once

#include "db/calendar/openinghours.h"
#include "ui/manager/sitesetuppage.h"

class OpeningHoursEditor;
class QCheckBox;
class QLineEdit;
class QPushButton;

// The "Opening hours" tab: the week in an OpeningHoursEditor, loaded
// through the pool; Save writes the changed days in one transaction.
class OpeningHoursPage : public SiteSetupPage
{
    Q_OBJECT
public:
    OpeningHoursPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                     QWidget *parent = nullptr);

    void reload();
    void save();
    // ISO weekday 1..7.
    QCheckBox *openBox(int weekday) const;
    QLineEdit *rangesField(int weekday) const;

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<OpeningPeriod> &periods);

    OpeningHoursEditor *m_editor = nullptr;
    QMap<int, QString> m_loaded; // weekday -> OpeningHours::format of what is stored
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
};
