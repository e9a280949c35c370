# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings_dialog.ui'
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
    QDialogButtonBox, QFormLayout, QGridLayout, QLabel,
    QLineEdit, QPushButton, QRadioButton, QSizePolicy,
    QSpacerItem, QTabWidget, QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(560, 360)
        self.main_layout = QVBoxLayout(SettingsDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.page_tabs = QTabWidget(SettingsDialog)
        self.page_tabs.setObjectName(u"page_tabs")
        self.general_page = QWidget()
        self.general_page.setObjectName(u"general_page")
        self.general_layout = QFormLayout(self.general_page)
        self.general_layout.setObjectName(u"general_layout")
        self.language_label = QLabel(self.general_page)
        self.language_label.setObjectName(u"language_label")

        self.general_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.language_label)

        self.language_combo = QComboBox(self.general_page)
        self.language_combo.setObjectName(u"language_combo")

        self.general_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.language_combo)

        self.language_note_label = QLabel(self.general_page)
        self.language_note_label.setObjectName(u"language_note_label")
        self.language_note_label.setWordWrap(True)

        self.general_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.language_note_label)

        self.page_tabs.addTab(self.general_page, "")
        self.database_page = QWidget()
        self.database_page.setObjectName(u"database_page")
        self.database_layout = QGridLayout(self.database_page)
        self.database_layout.setObjectName(u"database_layout")
        self.sqlite_radio = QRadioButton(self.database_page)
        self.sqlite_radio.setObjectName(u"sqlite_radio")
        self.sqlite_radio.setChecked(True)

        self.database_layout.addWidget(self.sqlite_radio, 0, 0, 1, 3)

        self.sqlite_path_edit = QLineEdit(self.database_page)
        self.sqlite_path_edit.setObjectName(u"sqlite_path_edit")

        self.database_layout.addWidget(self.sqlite_path_edit, 1, 1, 1, 1)

        self.browse_button = QPushButton(self.database_page)
        self.browse_button.setObjectName(u"browse_button")

        self.database_layout.addWidget(self.browse_button, 1, 2, 1, 1)

        self.postgres_radio = QRadioButton(self.database_page)
        self.postgres_radio.setObjectName(u"postgres_radio")

        self.database_layout.addWidget(self.postgres_radio, 2, 0, 1, 3)

        self.postgres_url_edit = QLineEdit(self.database_page)
        self.postgres_url_edit.setObjectName(u"postgres_url_edit")

        self.database_layout.addWidget(self.postgres_url_edit, 3, 1, 1, 2)

        self.test_result_label = QLabel(self.database_page)
        self.test_result_label.setObjectName(u"test_result_label")
        self.test_result_label.setWordWrap(True)

        self.database_layout.addWidget(self.test_result_label, 4, 1, 1, 1)

        self.test_button = QPushButton(self.database_page)
        self.test_button.setObjectName(u"test_button")

        self.database_layout.addWidget(self.test_button, 4, 2, 1, 1)

        self.database_spacer = QSpacerItem(20, 20, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.database_layout.addItem(self.database_spacer, 5, 1, 1, 1)

        self.indent_spacer = QSpacerItem(20, 10, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)

        self.database_layout.addItem(self.indent_spacer, 1, 0, 1, 1)

        self.page_tabs.addTab(self.database_page, "")

        self.main_layout.addWidget(self.page_tabs)

        self.button_box = QDialogButtonBox(SettingsDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.main_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.language_label.setBuddy(self.language_combo)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SettingsDialog)
        self.button_box.rejected.connect(SettingsDialog.reject)

        self.page_tabs.setCurrentIndex(0)


        QMetaObject.connectSlotsByName(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
        self.language_label.setText(QCoreApplication.translate("SettingsDialog", u"&Language:", None))
        self.language_note_label.setText(QCoreApplication.translate("SettingsDialog", u"A new language takes effect the next time certbench starts.", None))
        self.page_tabs.setTabText(self.page_tabs.indexOf(self.general_page), QCoreApplication.translate("SettingsDialog", u"General", None))
        self.sqlite_radio.setText(QCoreApplication.translate("SettingsDialog", u"A &file on this computer (SQLite)", None))
        self.sqlite_path_edit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Path of the database file", None))
        self.browse_button.setText(QCoreApplication.translate("SettingsDialog", u"&Browse\u2026", None))
        self.postgres_radio.setText(QCoreApplication.translate("SettingsDialog", u"A shared &PostgreSQL server", None))
        self.postgres_url_edit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"postgresql://user:password@host:5432/certbench", None))
        self.test_result_label.setText(QCoreApplication.translate("SettingsDialog", u"Test the connection before saving a new database.", None))
        self.test_button.setText(QCoreApplication.translate("SettingsDialog", u"&Test Connection", None))
        self.page_tabs.setTabText(self.page_tabs.indexOf(self.database_page), QCoreApplication.translate("SettingsDialog", u"Database", None))
    # retranslateUi

