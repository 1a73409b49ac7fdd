package com.acme.shop.common;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

@ResponseStatus(HttpStatus.CONFLICT)
public class InvalidStateTransitionException extends RuntimeException {

    public InvalidStateTransitionException(String entity, Object from, Object to) {
        super(entity + " cannot move from " + from + " to " + to);
    }
}
