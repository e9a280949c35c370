# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'first_run_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QGroupBox, QLabel, QLineEdit,
    QPlainTextEdit, QRadioButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_FirstRunDialog(object):
    def setupUi(self, FirstRunDialog):
        if not FirstRunDialog.objectName():
            FirstRunDialog.setObjectName(u"FirstRunDialog")
        FirstRunDialog.resize(560, 520)
        self.main_layout = QVBoxLayout(FirstRunDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.intro_label = QLabel(FirstRunDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.main_layout.addWidget(self.intro_label)

        self.create_radio = QRadioButton(FirstRunDialog)
        self.create_radio.setObjectName(u"create_radio")
        self.create_radio.setChecked(True)

        self.main_layout.addWidget(self.create_radio)

        self.body_group = QGroupBox(FirstRunDialog)
        self.body_group.setObjectName(u"body_group")
        self.body_layout = QFormLayout(self.body_group)
        self.body_layout.setObjectName(u"body_layout")
        self.body_name_label = QLabel(self.body_group)
        self.body_name_label.setObjectName(u"body_name_label")

        self.body_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.body_name_label)

        self.body_name_edit = QLineEdit(self.body_group)
        self.body_name_edit.setObjectName(u"body_name_edit")

        self.body_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.body_name_edit)

        self.body_address_label = QLabel(self.body_group)
        self.body_address_label.setObjectName(u"body_address_label")

        self.body_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.body_address_label)

        self.body_address_edit = QPlainTextEdit(self.body_group)
        self.body_address_edit.setObjectName(u"body_address_edit")
        self.body_address_edit.setMaximumSize(QSize(16777215, 60))
        self.body_address_edit.setTabChangesFocus(True)

        self.body_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.body_address_edit)

        self.admin_login_label = QLabel(self.body_group)
        self.admin_login_label.setObjectName(u"admin_login_label")

        self.body_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.admin_login_label)

        self.admin_login_edit = QLineEdit(self.body_group)
        self.admin_login_edit.setObjectName(u"admin_login_edit")

        self.body_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.admin_login_edit)

        self.admin_name_label = QLabel(self.body_group)
        self.admin_name_label.setObjectName(u"admin_name_label")

        self.body_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.admin_name_label)

        self.admin_name_edit = QLineEdit(self.body_group)
        self.admin_name_edit.setObjectName(u"admin_name_edit")

        self.body_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.admin_name_edit)

        self.passphrase_label = QLabel(self.body_group)
        self.passphrase_label.setObjectName(u"passphrase_label")

        self.body_layout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.passphrase_label)

        self.passphrase_edit = QLineEdit(self.body_group)
        self.passphrase_edit.setObjectName(u"passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.body_layout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.passphrase_edit)

        self.passphrase_again_label = QLabel(self.body_group)
        self.passphrase_again_label.setObjectName(u"passphrase_again_label")

        self.body_layout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.passphrase_again_label)

        self.passphrase_again_edit = QLineEdit(self.body_group)
        self.passphrase_again_edit.setObjectName(u"passphrase_again_edit")
        self.passphrase_again_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.body_layout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.passphrase_again_edit)

        self.passphrase_note_label = QLabel(self.body_group)
        self.passphrase_note_label.setObjectName(u"passphrase_note_label")
        self.passphrase_note_label.setWordWrap(True)

        self.body_layout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.passphrase_note_label)


        self.main_layout.addWidget(self.body_group)

        self.demo_radio = QRadioButton(FirstRunDialog)
        self.demo_radio.setObjectName(u"demo_radio")

        self.main_layout.addWidget(self.demo_radio)

        self.demo_note_label = QLabel(FirstRunDialog)
        self.demo_note_label.setObjectName(u"demo_note_label")
        self.demo_note_label.setWordWrap(True)
        self.demo_note_label.setIndent(20)

        self.main_layout.addWidget(self.demo_note_label)

        self.existing_radio = QRadioButton(FirstRunDialog)
        self.existing_radio.setObjectName(u"existing_radio")

        self.main_layout.addWidget(self.existing_radio)

        self.bottom_spacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.main_layout.addItem(self.bottom_spacer)

        self.error_label = QLabel(FirstRunDialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)

        self.main_layout.addWidget(self.error_label)

        self.button_box = QDialogButtonBox(FirstRunDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.main_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.body_name_label.setBuddy(self.body_name_edit)
        self.body_address_label.setBuddy(self.body_address_edit)
        self.admin_login_label.setBuddy(self.admin_login_edit)
        self.admin_name_label.setBuddy(self.admin_name_edit)
        self.passphrase_label.setBuddy(self.passphrase_edit)
        self.passphrase_again_label.setBuddy(self.passphrase_again_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(FirstRunDialog)
        self.button_box.rejected.connect(FirstRunDialog.reject)

        QMetaObject.connectSlotsByName(FirstRunDialog)
    # setupUi

    def retranslateUi(self, FirstRunDialog):
        FirstRunDialog.setWindowTitle(QCoreApplication.translate("FirstRunDialog", u"Welcome to certbench", None))
        self.intro_label.setText(QCoreApplication.translate("FirstRunDialog", u"There is no certbench database on this computer yet. Create one for your certification body, open the demo data to look around, or use a database that already exists (for example your office's shared server).", None))
        self.create_radio.setText(QCoreApplication.translate("FirstRunDialog", u"&Create a certification body", None))
        self.body_group.setTitle(QCoreApplication.translate("FirstRunDialog", u"Certification body and first administrator", None))
        self.body_name_label.setText(QCoreApplication.translate("FirstRunDialog", u"Body &name:", None))
        self.body_address_label.setText(QCoreApplication.translate("FirstRunDialog", u"&Address:", None))
        self.admin_login_label.setText(QCoreApplication.translate("FirstRunDialog", u"Administrator &login:", None))
        self.admin_login_edit.setPlaceholderText(QCoreApplication.translate("FirstRunDialog", u"e.g. zhang.min", None))
        self.admin_name_label.setText(QCoreApplication.translate("FirstRunDialog", u"Full na&me:", None))
        self.passphrase_label.setText(QCoreApplication.translate("FirstRunDialog", u"&Passphrase:", None))
        self.passphrase_again_label.setText(QCoreApplication.translate("FirstRunDialog", u"&Repeat passphrase:", None))
        self.passphrase_note_label.setText(QCoreApplication.translate("FirstRunDialog", u"The passphrase protects the administrator's personal key and the body's certificate signing key. It cannot be recovered.", None))
        self.demo_radio.setText(QCoreApplication.translate("FirstRunDialog", u"Open the &demo data", None))
        self.demo_note_label.setText(QCoreApplication.translate("FirstRunDialog", u"A sample certification body with three merchants, their audits and two signed certificates, kept in a folder of its own.", None))
        self.existing_radio.setText(QCoreApplication.translate("FirstRunDialog", u"&Use an existing database\u2026", None))
        self.error_label.setText("")
    # retranslateUi

