# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'verify_window.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QGridLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QSizePolicy, QTableView,
    QVBoxLayout, QWidget)

class Ui_VerifyWindow(object):
    def setupUi(self, VerifyWindow):
        if not VerifyWindow.objectName():
            VerifyWindow.setObjectName(u"VerifyWindow")
        VerifyWindow.resize(860, 680)
        VerifyWindow.setAcceptDrops(True)
        self.main_layout = QVBoxLayout(VerifyWindow)
        self.main_layout.setObjectName(u"main_layout")
        self.intro_label = QLabel(VerifyWindow)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.main_layout.addWidget(self.intro_label)

        self.input_layout = QHBoxLayout()
        self.input_layout.setObjectName(u"input_layout")
        self.jws_edit = QPlainTextEdit(VerifyWindow)
        self.jws_edit.setObjectName(u"jws_edit")
        self.jws_edit.setMaximumSize(QSize(16777215, 70))

        self.input_layout.addWidget(self.jws_edit)

        self.input_buttons_layout = QVBoxLayout()
        self.input_buttons_layout.setObjectName(u"input_buttons_layout")
        self.open_button = QPushButton(VerifyWindow)
        self.open_button.setObjectName(u"open_button")

        self.input_buttons_layout.addWidget(self.open_button)

        self.verify_text_button = QPushButton(VerifyWindow)
        self.verify_text_button.setObjectName(u"verify_text_button")

        self.input_buttons_layout.addWidget(self.verify_text_button)


        self.input_layout.addLayout(self.input_buttons_layout)


        self.main_layout.addLayout(self.input_layout)

        self.sources_group = QGroupBox(VerifyWindow)
        self.sources_group.setObjectName(u"sources_group")
        self.sources_layout = QGridLayout(self.sources_group)
        self.sources_layout.setObjectName(u"sources_layout")
        self.trust_label = QLabel(self.sources_group)
        self.trust_label.setObjectName(u"trust_label")

        self.sources_layout.addWidget(self.trust_label, 0, 0, 1, 1)

        self.trust_edit = QLineEdit(self.sources_group)
        self.trust_edit.setObjectName(u"trust_edit")

        self.sources_layout.addWidget(self.trust_edit, 0, 1, 1, 1)

        self.trust_browse_button = QPushButton(self.sources_group)
        self.trust_browse_button.setObjectName(u"trust_browse_button")

        self.sources_layout.addWidget(self.trust_browse_button, 0, 2, 1, 1)

        self.registry_label = QLabel(self.sources_group)
        self.registry_label.setObjectName(u"registry_label")

        self.sources_layout.addWidget(self.registry_label, 1, 0, 1, 1)

        self.registry_edit = QLineEdit(self.sources_group)
        self.registry_edit.setObjectName(u"registry_edit")

        self.sources_layout.addWidget(self.registry_edit, 1, 1, 1, 1)

        self.registry_browse_button = QPushButton(self.sources_group)
        self.registry_browse_button.setObjectName(u"registry_browse_button")

        self.sources_layout.addWidget(self.registry_browse_button, 1, 2, 1, 1)

        self.form_label = QLabel(self.sources_group)
        self.form_label.setObjectName(u"form_label")

        self.sources_layout.addWidget(self.form_label, 2, 0, 1, 1)

        self.form_edit = QLineEdit(self.sources_group)
        self.form_edit.setObjectName(u"form_edit")

        self.sources_layout.addWidget(self.form_edit, 2, 1, 1, 1)

        self.form_browse_button = QPushButton(self.sources_group)
        self.form_browse_button.setObjectName(u"form_browse_button")

        self.sources_layout.addWidget(self.form_browse_button, 2, 2, 1, 1)


        self.main_layout.addWidget(self.sources_group)

        self.source_label = QLabel(VerifyWindow)
        self.source_label.setObjectName(u"source_label")
        self.source_label.setWordWrap(True)
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.source_label)

        self.verdict_label = QLabel(VerifyWindow)
        self.verdict_label.setObjectName(u"verdict_label")
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.main_layout.addWidget(self.verdict_label)

        self.summary_label = QLabel(VerifyWindow)
        self.summary_label.setObjectName(u"summary_label")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.summary_label)

        self.checks_table = QTableView(VerifyWindow)
        self.checks_table.setObjectName(u"checks_table")
        self.checks_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.checks_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.checks_table.setWordWrap(False)
        self.checks_table.horizontalHeader().setStretchLastSection(True)
        self.checks_table.verticalHeader().setVisible(False)

        self.main_layout.addWidget(self.checks_table)

#if QT_CONFIG(shortcut)
        self.trust_label.setBuddy(self.trust_edit)
        self.registry_label.setBuddy(self.registry_edit)
        self.form_label.setBuddy(self.form_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(VerifyWindow)

        QMetaObject.connectSlotsByName(VerifyWindow)
    # setupUi

    def retranslateUi(self, VerifyWindow):
        VerifyWindow.setWindowTitle(QCoreApplication.translate("VerifyWindow", u"Verify a certificate", None))
        self.intro_label.setText(QCoreApplication.translate("VerifyWindow", u"Drop a certificate PDF or a .cbseal file here, open one, or paste the text read from the certificate's QR code. Nothing is sent anywhere: the check runs on this computer.", None))
        self.jws_edit.setPlaceholderText(QCoreApplication.translate("VerifyWindow", u"Paste the QR code text (compact JWS) here", None))
        self.open_button.setText(QCoreApplication.translate("VerifyWindow", u"&Open File\u2026", None))
        self.verify_text_button.setText(QCoreApplication.translate("VerifyWindow", u"Verify &Text", None))
        self.sources_group.setTitle(QCoreApplication.translate("VerifyWindow", u"What to check against", None))
        self.trust_label.setText(QCoreApplication.translate("VerifyWindow", u"Trust file:", None))
        self.trust_edit.setPlaceholderText(QCoreApplication.translate("VerifyWindow", u"The issuer's published trust file (.json)", None))
        self.trust_browse_button.setText(QCoreApplication.translate("VerifyWindow", u"Browse\u2026", None))
        self.registry_label.setText(QCoreApplication.translate("VerifyWindow", u"Registry:", None))
        self.registry_edit.setPlaceholderText(QCoreApplication.translate("VerifyWindow", u"Optional: the issuer's registry file, for suspension and revocation", None))
        self.registry_browse_button.setText(QCoreApplication.translate("VerifyWindow", u"Browse\u2026", None))
        self.form_label.setText(QCoreApplication.translate("VerifyWindow", u"Checklist:", None))
        self.form_edit.setPlaceholderText(QCoreApplication.translate("VerifyWindow", u"Optional: the checklist (.toml), to recompute the grade", None))
        self.form_browse_button.setText(QCoreApplication.translate("VerifyWindow", u"Browse\u2026", None))
        self.source_label.setText(QCoreApplication.translate("VerifyWindow", u"Nothing verified yet.", None))
        self.verdict_label.setText("")
#if QT_CONFIG(accessibility)
        self.verdict_label.setAccessibleName(QCoreApplication.translate("VerifyWindow", u"Verdict", None))
#endif // QT_CONFIG(accessibility)
        self.summary_label.setText("")
    # retranslateUi

