#pragma once

#include "db/calendar/settingsrepo.h"
#include "ui/manager/sitesetuppage.h"

#include <QMap>

class QPushButton;

// The "Site" tab: one row per SiteSettings::specs() entry, its editor made
// from the setting's type, with the description and the accepted values
// under it. Save writes only the changed keys, all or nothing
// (SettingsRepo::setMany, which validates again).
class SiteSettingsPage : public SiteSetupPage
{
    Q_OBJECT
public:
    SiteSettingsPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                     QWidget *parent = nullptr);

    void reload();
    void save();
    // The editor of a key (QSpinBox, QComboBox, QLineEdit, QPlainTextEdit,
    // QCheckBox), for tests and focus.
    QWidget *editor(const QString &key) const { return m_editors.value(key); }
    // What the editor of key holds now, in the form SiteSettings validates.
    QString editorValue(const QString &key) const;

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<SettingValue> &values);

    QMap<QString, QWidget *> m_editors;
    QMap<QString, QString> m_loaded; // key -> value in force when loaded
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
};
