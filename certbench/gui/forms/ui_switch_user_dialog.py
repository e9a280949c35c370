# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'switch_user_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_SwitchUserDialog(object):
    def setupUi(self, SwitchUserDialog):
        if not SwitchUserDialog.objectName():
            SwitchUserDialog.setObjectName(u"SwitchUserDialog")
        SwitchUserDialog.resize(420, 200)
        self.main_layout = QVBoxLayout(SwitchUserDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.user_label = QLabel(SwitchUserDialog)
        self.user_label.setObjectName(u"user_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.user_label)

        self.user_combo = QComboBox(SwitchUserDialog)
        self.user_combo.setObjectName(u"user_combo")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.user_combo)

        self.passphrase_label = QLabel(SwitchUserDialog)
        self.passphrase_label.setObjectName(u"passphrase_label")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passphrase_label)

        self.passphrase_edit = QLineEdit(SwitchUserDialog)
        self.passphrase_edit.setObjectName(u"passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passphrase_edit)


        self.main_layout.addLayout(self.form_layout)

        self.error_label = QLabel(SwitchUserDialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)

        self.main_layout.addWidget(self.error_label)

        self.bottom_spacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.main_layout.addItem(self.bottom_spacer)

        self.button_box = QDialogButtonBox(SwitchUserDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.main_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.user_label.setBuddy(self.user_combo)
        self.passphrase_label.setBuddy(self.passphrase_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SwitchUserDialog)
        self.button_box.rejected.connect(SwitchUserDialog.reject)

        QMetaObject.connectSlotsByName(SwitchUserDialog)
    # setupUi

    def retranslateUi(self, SwitchUserDialog):
        SwitchUserDialog.setWindowTitle(QCoreApplication.translate("SwitchUserDialog", u"Switch User", None))
        self.user_label.setText(QCoreApplication.translate("SwitchUserDialog", u"&User:", None))
        self.passphrase_label.setText(QCoreApplication.translate("SwitchUserDialog", u"&Passphrase:", None))
        self.error_label.setText("")
    # retranslateUi

