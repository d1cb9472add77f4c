#pragma once

#include "db/calendar/sitesettings.h"

#include <QString>

class QWidget;

// The editor of one site setting, made from its SettingSpec's type (a spin
// box, a time zone or currency combo box, a line or text field, a check
// box), with its label: what the manager's Site tab and the desk's first run
// both show. GUI thread only.
namespace SettingEditor {

// Named "setting_<key with _ for .>", with an accessible name.
QWidget *make(const SettingSpec &spec, QWidget *parent);
void setValue(QWidget *editor, const SettingSpec &spec, const QString &value);
// What editor holds now, in the form SiteSettings::validate reads.
QString value(const QWidget *editor);
// "Time &zone:", with its mnemonic; the key for one without a label.
QString label(const QString &key);
// "Time zone": the label as a message names the field.
QString plainLabel(const QString &key);

} // namespace SettingEditor
