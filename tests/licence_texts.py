"""The distinctive paragraphs of common licences, written out for tests (not the whole texts)."""

COPYRIGHT = "Copyright (c) 2024 Example Shop Ltd.\n\n"

BSD_CONDITIONS = (
    "Redistribution and use in source and binary forms, with or without\n"
    "modification, are permitted provided that the following conditions are met:\n\n"
    "1. Redistributions of source code must retain the above copyright notice,\n"
    "   this list of conditions and the following disclaimer.\n\n"
    "2. Redistributions in binary form must reproduce the above copyright notice,\n"
    "   this list of conditions and the following disclaimer in the documentation\n"
    "   and/or other materials provided with the distribution.\n"
)
BSD_NAME_CLAUSE = (
    "\n3. Neither the name of the copyright holder nor the names of its\n"
    "   contributors may be used to endorse or promote products derived from\n"
    "   this software without specific prior written permission.\n"
)
MIT_GRANT = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    'of this software and associated documentation files (the "Software"), to deal\n'
    "in the Software without restriction, including without limitation the rights\n"
    "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
    "copies of the Software.\n\n"
)
MIT_CONDITION = (
    "The above copyright notice and this permission notice shall be included in all\n"
    "copies or substantial portions of the Software.\n"
)

TEXTS = {
    "MIT": "MIT License\n\n" + COPYRIGHT + MIT_GRANT + MIT_CONDITION,
    "Apache-2.0": (
        "                                 Apache License\n"
        "                           Version 2.0, January 2004\n"
        "                        http://www.apache.org/licenses/\n\n"
        "   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n\n   1. Definitions.\n"
    ),
    "BSD-2-Clause": "BSD 2-Clause License\n\n" + COPYRIGHT + BSD_CONDITIONS,
    "BSD-3-Clause": "BSD 3-Clause License\n\n" + COPYRIGHT + BSD_CONDITIONS + BSD_NAME_CLAUSE,
    "GPL-2.0-only": (
        "                    GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991\n\n"
        " Copyright (C) 1989, 1991 Free Software Foundation, Inc.\n"
        " Everyone is permitted to copy and distribute verbatim copies\n"
        " of this license document, but changing it is not allowed.\n\n"
        "This General Public License does not permit incorporating your program into\n"
        "proprietary programs. If your program is a subroutine library, you may\n"
        "consider it more useful to permit linking proprietary applications with the\n"
        "library. If this is what you want to do, use the GNU Lesser General\n"
        "Public License instead of this License.\n"
    ),
    "GPL-3.0-only": (
        "                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n\n"
        " Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>\n\n"
        "  13. Use with the GNU Affero General Public License.\n\n"
        "  Notwithstanding any other provision of this License, you have\n"
        "permission to link or combine any covered work with a work licensed\n"
        "under version 3 of the GNU Affero General Public License into a single\n"
        "combined work, and to convey the resulting work.\n"
    ),
    "LGPL-2.1-only": (
        "                  GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 2.1, February 1999\n\n"
        "[This is the first released version of the Lesser GPL.  It also counts\n"
        " as the successor of the GNU Library Public License, version 2, hence\n"
        " the version number 2.1.]\n"
    ),
    "LGPL-3.0-only": (
        "                   GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n\n"
        "  This version of the GNU Lesser General Public License incorporates\n"
        "the terms and conditions of version 3 of the GNU General Public\n"
        "License, supplemented by the additional permissions listed below.\n"
    ),
    "AGPL-3.0-only": (
        "                    GNU AFFERO GENERAL PUBLIC LICENSE\n                       Version 3, 19 November 2007\n\n"
        "  The GNU Affero General Public License is a free, copyleft license for\n"
        "software and other kinds of works, specifically designed to ensure\n"
        "cooperation with the community in the case of network server software.\n"
    ),
    "MPL-2.0": (
        "Mozilla Public License Version 2.0\n==================================\n\n1. Definitions\n"
        '--------------\n\n1.1. "Contributor"\n    means each individual or legal entity that creates, contributes to\n'
        "    the creation of, or owns Covered Software.\n"
    ),
    "ISC": (
        "ISC License\n\n" + COPYRIGHT + "Permission to use, copy, modify, and/or distribute this software for any\n"
        "purpose with or without fee is hereby granted, provided that the above\n"
        "copyright notice and this permission notice appear in all copies.\n"
    ),
    "Unlicense": (
        "This is free and unencumbered software released into the public domain.\n\n"
        "Anyone is free to copy, modify, publish, use, compile, sell, or\n"
        "distribute this software, either in source code form or as a compiled\n"
        "binary, for any purpose, commercial or non-commercial, and by any means.\n"
    ),
    "EPL-2.0": (
        "Eclipse Public License - v 2.0\n\n"
        "    THE ACCOMPANYING PROGRAM IS PROVIDED UNDER THE TERMS OF THIS ECLIPSE\n"
        '    PUBLIC LICENSE ("AGREEMENT"). ANY USE, REPRODUCTION OR DISTRIBUTION\n'
        "    OF THE PROGRAM CONSTITUTES RECIPIENT'S ACCEPTANCE OF THIS AGREEMENT.\n"
    ),
    "CC0-1.0": (
        "Creative Commons Legal Code\n\nCC0 1.0 Universal\n\n"
        "    CREATIVE COMMONS CORPORATION IS NOT A LAW FIRM AND DOES NOT PROVIDE\n"
        "    LEGAL SERVICES.\n"
    ),
}
