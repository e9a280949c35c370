# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'issue_dialog.ui'
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
from PySide6.QtWidgets import (QApplication, QDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QStackedWidget, QVBoxLayout, QWidget)

class Ui_IssueDialog(object):
    def setupUi(self, IssueDialog):
        if not IssueDialog.objectName():
            IssueDialog.setObjectName(u"IssueDialog")
        IssueDialog.resize(760, 820)
        self.main_layout = QVBoxLayout(IssueDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.header_label = QLabel(IssueDialog)
        self.header_label.setObjectName(u"header_label")
        self.header_label.setWordWrap(True)

        self.main_layout.addWidget(self.header_label)

        self.pages = QStackedWidget(IssueDialog)
        self.pages.setObjectName(u"pages")
        self.sign_page = QWidget()
        self.sign_page.setObjectName(u"sign_page")
        self.sign_layout = QVBoxLayout(self.sign_page)
        self.sign_layout.setObjectName(u"sign_layout")
        self.preview_caption = QLabel(self.sign_page)
        self.preview_caption.setObjectName(u"preview_caption")
        self.preview_caption.setWordWrap(True)

        self.sign_layout.addWidget(self.preview_caption)

        self.preview_container = QWidget(self.sign_page)
        self.preview_container.setObjectName(u"preview_container")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(1)
        sizePolicy.setHeightForWidth(self.preview_container.sizePolicy().hasHeightForWidth())
        self.preview_container.setSizePolicy(sizePolicy)
        self.preview_layout = QVBoxLayout(self.preview_container)
        self.preview_layout.setObjectName(u"preview_layout")
        self.preview_layout.setContentsMargins(0, 0, 0, 0)

        self.sign_layout.addWidget(self.preview_container)

        self.passphrase_layout = QFormLayout()
        self.passphrase_layout.setObjectName(u"passphrase_layout")
        self.passphrase_caption = QLabel(self.sign_page)
        self.passphrase_caption.setObjectName(u"passphrase_caption")

        self.passphrase_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.passphrase_caption)

        self.passphrase_edit = QLineEdit(self.sign_page)
        self.passphrase_edit.setObjectName(u"passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.passphrase_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.passphrase_edit)

        self.issuer_passphrase_caption = QLabel(self.sign_page)
        self.issuer_passphrase_caption.setObjectName(u"issuer_passphrase_caption")

        self.passphrase_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.issuer_passphrase_caption)

        self.issuer_passphrase_edit = QLineEdit(self.sign_page)
        self.issuer_passphrase_edit.setObjectName(u"issuer_passphrase_edit")
        self.issuer_passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.passphrase_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.issuer_passphrase_edit)


        self.sign_layout.addLayout(self.passphrase_layout)

        self.error_label = QLabel(self.sign_page)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(u"color: #b00020")

        self.sign_layout.addWidget(self.error_label)

        self.sign_buttons = QHBoxLayout()
        self.sign_buttons.setObjectName(u"sign_buttons")
        self.sign_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.sign_buttons.addItem(self.sign_spacer)

        self.issue_button = QPushButton(self.sign_page)
        self.issue_button.setObjectName(u"issue_button")

        self.sign_buttons.addWidget(self.issue_button)

        self.cancel_button = QPushButton(self.sign_page)
        self.cancel_button.setObjectName(u"cancel_button")

        self.sign_buttons.addWidget(self.cancel_button)


        self.sign_layout.addLayout(self.sign_buttons)

        self.pages.addWidget(self.sign_page)
        self.done_page = QWidget()
        self.done_page.setObjectName(u"done_page")
        self.done_layout = QVBoxLayout(self.done_page)
        self.done_layout.setObjectName(u"done_layout")
        self.done_label = QLabel(self.done_page)
        self.done_label.setObjectName(u"done_label")
        self.done_label.setWordWrap(True)

        self.done_layout.addWidget(self.done_label)

        self.result_layout = QFormLayout()
        self.result_layout.setObjectName(u"result_layout")
        self.file_caption = QLabel(self.done_page)
        self.file_caption.setObjectName(u"file_caption")

        self.result_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.file_caption)

        self.file_edit = QLineEdit(self.done_page)
        self.file_edit.setObjectName(u"file_edit")
        self.file_edit.setReadOnly(True)

        self.result_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.file_edit)

        self.seal_file_caption = QLabel(self.done_page)
        self.seal_file_caption.setObjectName(u"seal_file_caption")

        self.result_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.seal_file_caption)

        self.seal_file_edit = QLineEdit(self.done_page)
        self.seal_file_edit.setObjectName(u"seal_file_edit")
        self.seal_file_edit.setReadOnly(True)

        self.result_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.seal_file_edit)

        self.seal_hash_caption = QLabel(self.done_page)
        self.seal_hash_caption.setObjectName(u"seal_hash_caption")

        self.result_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.seal_hash_caption)

        self.seal_hash_edit = QLineEdit(self.done_page)
        self.seal_hash_edit.setObjectName(u"seal_hash_edit")
        self.seal_hash_edit.setReadOnly(True)

        self.result_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.seal_hash_edit)

        self.short_hash_caption = QLabel(self.done_page)
        self.short_hash_caption.setObjectName(u"short_hash_caption")

        self.result_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.short_hash_caption)

        self.short_hash_label = QLabel(self.done_page)
        self.short_hash_label.setObjectName(u"short_hash_label")
        self.short_hash_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.result_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.short_hash_label)


        self.done_layout.addLayout(self.result_layout)

        self.done_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.done_layout.addItem(self.done_spacer)

        self.done_buttons = QHBoxLayout()
        self.done_buttons.setObjectName(u"done_buttons")
        self.open_folder_button = QPushButton(self.done_page)
        self.open_folder_button.setObjectName(u"open_folder_button")

        self.done_buttons.addWidget(self.open_folder_button)

        self.copy_hash_button = QPushButton(self.done_page)
        self.copy_hash_button.setObjectName(u"copy_hash_button")

        self.done_buttons.addWidget(self.copy_hash_button)

        self.done_buttons_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.done_buttons.addItem(self.done_buttons_spacer)

        self.close_button = QPushButton(self.done_page)
        self.close_button.setObjectName(u"close_button")

        self.done_buttons.addWidget(self.close_button)


        self.done_layout.addLayout(self.done_buttons)

        self.pages.addWidget(self.done_page)

        self.main_layout.addWidget(self.pages)


        self.retranslateUi(IssueDialog)
        self.cancel_button.clicked.connect(IssueDialog.reject)
        self.close_button.clicked.connect(IssueDialog.accept)

        self.pages.setCurrentIndex(0)


        QMetaObject.connectSlotsByName(IssueDialog)
    # setupUi

    def retranslateUi(self, IssueDialog):
        IssueDialog.setWindowTitle(QCoreApplication.translate("IssueDialog", u"Issue certificate", None))
        self.header_label.setText("")
        self.preview_caption.setText(QCoreApplication.translate("IssueDialog", u"Preview of the certificate page. The number, seal hash and QR code are filled in when you sign.", None))
        self.passphrase_caption.setText(QCoreApplication.translate("IssueDialog", u"Your passphrase:", None))
        self.issuer_passphrase_caption.setText(QCoreApplication.translate("IssueDialog", u"Issuer key passphrase:", None))
        self.issuer_passphrase_edit.setPlaceholderText(QCoreApplication.translate("IssueDialog", u"Leave empty when it is the same as yours", None))
        self.error_label.setText("")
        self.issue_button.setText(QCoreApplication.translate("IssueDialog", u"Sign and issue", None))
        self.cancel_button.setText(QCoreApplication.translate("IssueDialog", u"Cancel", None))
        self.done_label.setText("")
        self.file_caption.setText(QCoreApplication.translate("IssueDialog", u"Certificate file:", None))
        self.seal_file_caption.setText(QCoreApplication.translate("IssueDialog", u"Seal file:", None))
        self.seal_hash_caption.setText(QCoreApplication.translate("IssueDialog", u"Seal hash:", None))
        self.short_hash_caption.setText(QCoreApplication.translate("IssueDialog", u"To read aloud:", None))
        self.open_folder_button.setText(QCoreApplication.translate("IssueDialog", u"Open folder", None))
        self.copy_hash_button.setText(QCoreApplication.translate("IssueDialog", u"Copy seal hash", None))
        self.close_button.setText(QCoreApplication.translate("IssueDialog", u"Close", None))
    # retranslateUi

